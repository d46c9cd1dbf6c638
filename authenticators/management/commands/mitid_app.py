"""`manage.py mitid_app`: the MitID app simulator on the command line (it speaks the App API)."""

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from authenticators.app_client import ApiError, AppClient, AppState


class Command(BaseCommand):
    help = "A MitID app on the command line; its keys live in the --state file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", required=True, type=Path, help="the app's state file")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the portal")
        commands = parser.add_subparsers(dest="command", required=True)
        activate = commands.add_parser("activate", help="activate the app for a user-ID")
        activate.add_argument("--user-id", required=True)
        activate.add_argument("--activation-code", help="shown in the portal after enrollment")
        activate.add_argument("--temporary-pin", help="from the SMS")
        activate.add_argument("--pin", help="your own 6-digit PIN")
        activate.add_argument("--device-name", default="Command-line MitID app")

    def handle(self, *args: Any, **options: Any) -> None:
        state = AppState.load(options["state"])
        client = AppClient(options["url"], state)
        try:
            self.activate(client, state, options)
        except ApiError as error:
            raise CommandError(
                f"The portal refused: {error.code} (HTTP {error.status})."
            ) from error
        except OSError as error:
            raise CommandError(f"Cannot reach the portal at {options['url']}: {error}") from error

    def activate(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        user_id = options["user_id"]
        pending = state.accounts.get(user_id, {}).get("status") == "pending"
        if options["activation_code"]:
            client.start_activation(
                user_id=user_id,
                activation_code=options["activation_code"],
                device_name=options["device_name"],
            )
            self.stdout.write("A temporary PIN is on its way to you by SMS.")
        elif not pending:
            raise CommandError("Give --activation-code to start activating this user-ID.")
        temporary_pin = options["temporary_pin"]
        if temporary_pin is None and sys.stdin.isatty():
            temporary_pin = input("Temporary PIN from the SMS: ").strip()
        if not temporary_pin:
            self.stdout.write(
                f"When the SMS arrives, run: manage.py mitid_app --state {state.path} activate "
                f"--user-id '{user_id}' --temporary-pin NNNNNN --pin NNNNNN"
            )
            return
        pin = options["pin"]
        if pin is None and sys.stdin.isatty():
            pin = getpass.getpass("Choose your 6-digit PIN: ")
            if getpass.getpass("Type it again: ") != pin:
                raise CommandError("The two PINs are not the same.")
        if not pin:
            raise CommandError("Give --pin with your own 6-digit PIN.")
        answer = client.confirm_activation(user_id=user_id, temporary_pin=temporary_pin, pin=pin)
        self.stdout.write(f"The MitID app is {answer['status']} at level {answer['level']}.")
