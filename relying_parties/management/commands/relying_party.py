"""`manage.py relying_party add`: register a bank or public service as an OpenID Connect client."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from redis.exceptions import RedisError

from relying_parties import services


class Command(BaseCommand):
    help = "Register a relying party; prints its client ID and (once) its client secret."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="register a new party")
        add.add_argument("--name", required=True, help="the name citizens see")
        add.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        add.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            dest="post_logout_redirect_uris",
            help="where a logout may send the browser back to (default: the redirect URIs)",
        )
        add.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=["openid", "profile"],
            help="allowed scopes (default: profile; openid always; cpr with --cpr)",
        )
        add.add_argument("--cpr", action="store_true", help="may ask for the CPR number")
        add.add_argument("--public", action="store_true", help="a public client: no secret")
        add.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registered = services.register_party(
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                scopes=["openid", *(options["scopes"] or ["profile"])],
                may_receive_cpr=options["cpr"],
                public=options["public"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except RedisError as error:
            # Every server must hear of a new party (relying_parties/clients.py).
            raise CommandError(
                f"Nothing was registered: the cache (REDIS_URL) did not answer ({error})."
            ) from error
        answer = {"client_id": registered.client_id}
        if not options["public"]:
            answer["client_secret"] = registered.client_secret
        if options["json"]:
            self.stdout.write(json.dumps(answer))
            return
        self.stdout.write(f"Registered {registered.party.name}")
        for key, value in answer.items():
            self.stdout.write(f"{key}: {value}")
        if "client_secret" in answer:
            self.stdout.write("The secret is shown only now: the portal keeps only its hash.")
