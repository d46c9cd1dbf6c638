"""`manage.py outbox`: print what the simulated SMS and e-mail gateways delivered."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from messaging.models import OutboxMessage


class Command(BaseCommand):
    help = "Show the messages in the local outbox, newest first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", help="only messages to this phone number or e-mail address")
        parser.add_argument("--json", action="store_true", help="print a JSON list")
        parser.add_argument("--limit", type=int, default=20, help="at most this many (20)")

    def handle(self, *args: Any, **options: Any) -> None:
        messages = OutboxMessage.objects.all()
        if options["to"]:
            messages = messages.filter(recipient=options["to"])
        messages = messages[: options["limit"]]
        if options["json"]:
            self.stdout.write(json.dumps([m.as_dict() for m in messages], ensure_ascii=False))
            return
        if not messages:
            self.stdout.write("The outbox is empty.")
        for message in messages:
            when = timezone.localtime(message.delivered_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{when}  {message.channel.upper():5}  to {message.recipient}")
            if message.subject:
                self.stdout.write(f"  Subject: {message.subject}")
            for line in message.body.splitlines():
                self.stdout.write(f"  {line}")
            self.stdout.write("")
