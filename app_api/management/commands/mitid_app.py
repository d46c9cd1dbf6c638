"""`manage.py mitid_app`: the MitID app simulator on the command line (it speaks the App API)."""

import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from app_api.client import ApiError, AppClient, AppState


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
        scan = commands.add_parser("scan", help="read a login's QR code off the screen")
        scan.add_argument(
            "frame", help="the text of the QR code (mitid.…), or the link a login page opened"
        )
        commands.add_parser("pending", help="list the logins waiting for this app")
        for name, text in (("approve", "approve a waiting login"), ("reject", "reject one")):
            command = commands.add_parser(name, help=text)
            command.add_argument("token", nargs="?", help="which login (when several wait)")
            if name == "approve":
                command.add_argument("--pin", help="the 6-digit PIN of the user-ID")

    def handle(self, *args: Any, **options: Any) -> None:
        state = AppState.load(options["state"])
        client = AppClient(options["url"], state)
        try:
            getattr(self, options["command"])(client, state, options)
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

    def show(self, login: dict[str, Any]) -> None:
        until = datetime.fromisoformat(login["expires_at"]).astimezone()
        self.stdout.write(
            f"{login['token']}  {login['status']:<8}  {login['user_id']}\n"
            f"    {login['service']}: {login['text']}  (until {until:%H:%M:%S})"
        )
        if "code" in login:
            self.stdout.write(f"    Type this code in the browser: {login['code']}")

    def scan(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        login = client.scan(options["frame"])
        self.show(login)
        self.stdout.write(
            "Read the text above. Approve only what you started yourself: "
            f"manage.py mitid_app --state {state.path} approve {login['token']}"
        )

    def pending(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        logins = client.pending()
        if not logins:
            self.stdout.write("Nothing is waiting for you.")
        for login in logins:
            self.show(login)

    def chosen(self, client: AppClient, token: str | None) -> dict[str, Any]:
        logins = client.pending()
        if token is not None:
            logins = [login for login in logins if login["token"] == token]
        if len(logins) != 1:
            raise CommandError(
                "Nothing is waiting for you." if not logins else "Several logins wait; give one."
            )
        return logins[0]

    def approve(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        login = self.chosen(client, options["token"])
        self.show(login)
        pin = options["pin"]
        if pin is None and sys.stdin.isatty():
            pin = getpass.getpass(f"PIN for {login['user_id']}: ")
        if not pin:
            raise CommandError("Give --pin with the 6-digit PIN of the user-ID.")
        answer = client.approve(login, pin=pin)
        self.stdout.write(f"You approved. The login is {answer['status']}.")

    def reject(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        login = self.chosen(client, options["token"])
        answer = client.reject(login)
        self.stdout.write(f"You rejected it. The login is {answer['status']}.")
