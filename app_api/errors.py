"""What the app says for each of the App API's refusal codes, in the citizen's language."""

from django.utils.translation import gettext_lazy as _

# The App API's refusals as an app tells the citizen (the codes are in `views.STATUS`).
APP_ERRORS = {
    "invalid_activation_code": _(
        "The user-ID or the activation code is wrong, or the code has expired."
    ),
    "too_many_attempts": _("Too many wrong attempts. Wait a while and try again."),
    "too_many_apps": _("You already have the MitID app on 3 devices. Remove one first."),
    "wrong_temporary_pin": _("The temporary PIN is wrong or has expired."),
    "invalid_pin": _("Your PIN must be 6 digits."),
    "notifications_required": _("The app needs to send you notifications. Accept them to go on."),
    "wrong_pin": _("The PIN is wrong."),
    "invalid_frame": _("That is not a MitID QR code."),
    "stale_frame": _("The QR code was too old. Scan the code on the screen now."),
    "login_expired": _("The login has expired. Start again on the computer."),
    "login_not_open": _("This login is no longer waiting for approval."),
    "not_for_this_app": _("This login is not for a user-ID on this phone."),
    "device_not_active": _("This app is blocked. Call MitID support on 33 98 00 10."),
    "scan_first": _("Scan the QR code on the screen first."),
    "network": _("The portal cannot be reached. Try again."),
    "unknown": _("Something went wrong. Try again."),
}
