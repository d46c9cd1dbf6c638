"""`manage.py mitid_app`: the MitID app simulator on the command line (it speaks the App API)."""

import getpass
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from app_api.client import ApiError, AppClient, AppState
from pages.documents import TERMS
from passports.demo import read_passport

DEFAULT_URL = "http://127.0.0.1:8000"


def command_line(state_path: str, *args: str) -> str:
    """This command with `args`, quoted so that it runs as printed, from any folder."""
    manage = Path(sys.argv[0]).resolve() if sys.argv[0].endswith("manage.py") else None
    if manage is None or not manage.exists():
        manage = Path(settings.BASE_DIR) / "manage.py"
    return shlex.join([sys.executable, str(manage), "mitid_app", "--state", state_path, *args])


def rerun(state: AppState, *args: str) -> str:
    """This app's command again with `args` (its state file remembers the portal)."""
    return command_line(str(state.path.resolve()), *args)


class Command(BaseCommand):
    help = "A MitID app on the command line; its keys live in the --state file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", required=True, type=Path, help="the app's state file")
        parser.add_argument(
            "--url",
            help=f"the portal (default: the one the app was activated against, or {DEFAULT_URL})",
        )
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
        for name, text in (
            ("passport", "get MitID with a passport: this phone becomes the person's app"),
            ("help-passport", "help someone else get MitID with their passport, on this app"),
        ):
            road = commands.add_parser(name, help=text)
            road.add_argument("--passport", required=True, type=Path, help="a passport file")
            who = road.add_mutually_exclusive_group(required=True)
            who.add_argument("--cpr", help="the person's CPR number")
            who.add_argument("--p-code", help="a P-code, for someone without a CPR number")
            road.add_argument("--user-id", required=True, help="a new user-ID, or the one held")
            road.add_argument("--mobile", required=True, help="the temporary PIN goes here")
            road.add_argument("--face", type=Path, help="a picture of the face (PNG)")
            road.add_argument("--language", default="da", choices=["da", "en", "kl"])
            if name == "passport":
                road.add_argument("--temporary-pin", help="from the SMS")
                road.add_argument("--pin", help="your own 6-digit PIN")
                road.add_argument("--device-name", default="Command-line MitID app")
            else:
                end = road.add_mutually_exclusive_group(required=True)
                end.add_argument(
                    "--copy", action="store_true", help="show a QR code for their own phone"
                )
                end.add_argument(
                    "--order",
                    choices=["kodeviser", "kodeoplaeser"],
                    help="order a code device by post to them",
                )
        show = commands.add_parser("copy-show", help="show a QR code to copy this app")
        show.add_argument("--user-id", help="which user-ID on this phone (when several)")
        approve_copy = commands.add_parser("copy-approve", help="confirm the copy with the PIN")
        approve_copy.add_argument("--user-id", help="which user-ID on this phone")
        approve_copy.add_argument("--pin", help="the 6-digit PIN of the user-ID")
        approve_copy.add_argument(
            "--match-code",
            required=True,
            help="the four digits the new phone shows (copy-scan printed them)",
        )
        scan_copy = commands.add_parser("copy-scan", help="on the new phone: scan the QR code")
        scan_copy.add_argument("qr", help="the text of the QR code (mitid-copy.…)")
        scan_copy.add_argument("--user-id", required=True, help="the user-ID being copied")
        scan_copy.add_argument("--device-name", default="Command-line MitID app")
        for name, text in (("approve", "approve a waiting login"), ("reject", "reject one")):
            command = commands.add_parser(name, help=text)
            command.add_argument("token", nargs="?", help="which login (when several wait)")
            if name == "approve":
                command.add_argument("--pin", help="the 6-digit PIN of the user-ID")

    def handle(self, *args: Any, **options: Any) -> None:
        state = AppState.load(options["state"])
        options["url"] = options["url"] or state.portal_url or DEFAULT_URL
        client = AppClient(options["url"], state)
        try:
            getattr(self, options["command"].replace("-", "_"))(client, state, options)
        except ApiError as error:
            raise CommandError(
                f"The portal refused: {error.code} (HTTP {error.status})."
            ) from error
        except OSError as error:
            raise CommandError(f"Cannot reach the portal at {options['url']}: {error}") from error

    def activate(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        user_id = options["user_id"]
        pending = state.accounts.get(user_id, {}).get("status") == "pending"
        if options.get("activation_code"):
            state.portal_url = options["url"]
            client.start_activation(
                user_id=user_id,
                activation_code=options["activation_code"],
                device_name=options["device_name"],
            )
            self.stdout.write("A temporary PIN is on its way to you by SMS.")
        elif not pending:
            raise CommandError("Give --activation-code to start activating this user-ID.")
        elif "match_code" in state.accounts[user_id]:
            self.copy_confirmed(client, state, user_id)
        temporary_pin = options["temporary_pin"]
        if temporary_pin is None and sys.stdin.isatty():
            temporary_pin = input("Temporary PIN from the SMS: ").strip()
        if not temporary_pin:
            self.stdout.write(
                "When the SMS arrives, run (with its PIN and your own):\n  "
                + rerun(state, "activate", "--user-id", user_id, "--temporary-pin", "NNNNNN")
                + " --pin NNNNNN"
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

    def _road(self, client: AppClient, options: dict[str, Any], *, helper: bool) -> str:
        try:
            passport = read_passport(options["passport"])
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the passport file: {error}") from error
        self.stdout.write(f"The terms (version {TERMS.version}):")
        for point in TERMS.summary:
            self.stdout.write(f"  - {point}")
        self.stdout.write("You accept them by going on.")
        face = options["face"].read_bytes() if options["face"] else None
        return client.passport_road(
            passport=passport,
            terms_version=TERMS.version,
            user_id=options["user_id"],
            cpr=options["cpr"] or "",
            p_code=options["p_code"] or "",
            face=face,
            language=options["language"],
            helper=helper,
            on_step=lambda text: self.stdout.write(f"OK: {text}"),
        )

    def passport(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        state.portal_url = options["url"]
        token = self._road(client, options, helper=False)
        options["user_id"] = client.passport_app(
            token=token,
            user_id=options["user_id"],
            mobile=options["mobile"],
            device_name=options["device_name"],
        )
        self.stdout.write("A temporary PIN is on its way to you by SMS.")
        self.activate(client, state, options)

    def help_passport(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        token = self._road(client, options, helper=True)
        if options["copy"]:
            answer = client.passport_copy(token=token, mobile=options["mobile"])
            until = datetime.fromisoformat(answer["expires_at"]).astimezone()
            self.stdout.write(
                f"Show this QR code to the other phone (until {until:%H:%M:%S}), and look away "
                f"while they type their user-ID and PIN:\n{answer['qr']}\n"
                "On their phone (with their own state file and user-ID):\n  "
                + command_line(
                    "THEIR-PHONE.json", "--url", options["url"], "copy-scan", answer["qr"]
                )
                + " --user-id THEIR-USER-ID"
            )
            return
        answer = client.passport_order(token=token, kind=options["order"], mobile=options["mobile"])
        self.stdout.write(f"A {answer['kind']} is {answer['status']}; it comes by post.")

    def copy_show(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        answer = client.show_copy(user_id=options["user_id"])
        until = datetime.fromisoformat(answer["expires_at"]).astimezone()
        self.stdout.write(
            f"Scan this QR code with the new phone before {until:%H:%M:%S}:\n{answer['qr']}\n"
            "Then confirm here, with the four digits the new phone shows:\n  "
            + rerun(
                state,
                "copy-approve",
                *(["--user-id", options["user_id"]] if options["user_id"] else []),
                "--match-code",
                "NNNN",
            )
        )

    def copy_approve(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        pin = options["pin"]
        if pin is None and sys.stdin.isatty():
            pin = getpass.getpass("Your PIN, to let the new phone have your MitID: ")
        if not pin:
            raise CommandError("Give --pin with the 6-digit PIN of the user-ID.")
        try:
            client.approve_copy(
                pin=pin, match_code=options["match_code"], user_id=options["user_id"]
            )
        except ApiError as error:
            if error.code != "match_code_differs":
                raise
            scanned = client.scanned_copy(user_id=options["user_id"])
            raise CommandError(
                f'The phone that scanned the code, "{scanned["device_name"]}", shows '
                f"{scanned['match_code']}, not {options['match_code']}: it is not your new "
                "phone, so nothing was confirmed. Show a new QR code (copy-show)."
            ) from error
        self.stdout.write("Approved. The new phone gets a temporary PIN by SMS.")

    def copy_scan(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        state.portal_url = options["url"]
        answer = client.scan_copy(
            qr=options["qr"], user_id=options["user_id"], device_name=options["device_name"]
        )
        if answer["status"] == "waiting_for_old_app":
            until = datetime.fromisoformat(answer["confirm_by"]).astimezone()
            self.stdout.write(
                f"This phone's code: {answer['match_code']}. Now confirm on the old phone "
                f"with its PIN before {until:%H:%M:%S}, if it shows the same code "
                f"(copy-approve --match-code {answer['match_code']})."
            )
        self.stdout.write(
            "When the SMS arrives, run (with its PIN and your own):\n  "
            + rerun(state, "activate", "--user-id", options["user_id"], "--temporary-pin", "NNNNNN")
            + " --pin NNNNNN"
        )

    def copy_confirmed(self, client: AppClient, state: AppState, user_id: str) -> None:
        """A copy's new phone goes on to its PIN only once the old phone has confirmed; a copy
        that is over is said as such, with how to start again (it waited as if it could still
        happen, and the portal then said only not_found)."""
        match_code = state.accounts[user_id]["match_code"]
        try:
            answer = client.new_phone_copy(user_id=user_id)
        except ApiError as error:
            if error.code == "copy_code_expired":
                raise CommandError(
                    "The time to confirm the copy on your other phone ran out, so MitID was not "
                    "copied to this phone, and the user-ID is off it again. Start again: show a "
                    "new QR code on your other phone (copy-show), and scan it here (copy-scan)."
                ) from error
            if error.code == "copy_replaced":
                raise CommandError(
                    "Your other phone has shown a new QR code since, so MitID was not copied to "
                    "this phone, and the user-ID is off it again. Scan the new code here "
                    "(copy-scan)."
                ) from error
            raise
        if answer["status"] == "waiting_for_old_app":
            until = datetime.fromisoformat(answer["confirm_by"]).astimezone()
            raise CommandError(
                f"Your other phone has not confirmed the copy yet. Confirm it there with its PIN "
                f"before {until:%H:%M:%S}, if it shows {match_code}; then the SMS comes."
            )

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
            "Read the text above. Approve only what you started yourself:\n  "
            + rerun(state, "approve", login["token"])
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
        # What was approved, a login or a party's transaction, in the words it was signed in.
        self.stdout.write(f"You approved {login['service']}: {login['text']} ({answer['status']}).")

    def reject(self, client: AppClient, state: AppState, options: dict[str, Any]) -> None:
        login = self.chosen(client, options["token"])
        answer = client.reject(login)
        self.stdout.write(f"You rejected {login['service']}: {login['text']} ({answer['status']}).")
