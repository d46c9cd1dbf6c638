"""What the app says for each of the App API's refusal codes, in the citizen's language."""

from django.utils.translation import gettext_lazy as _

from enrollment.user_ids import MAX_LENGTH, MESSAGES, MIN_LENGTH

# Refusals that mean the app itself sent something wrong: the citizen can only try again.
_APP_FAULT = _("The app sent something the portal could not use. Try again.")
_NOT_RECOGNISED = _(
    "The portal did not recognise this app. Check that the phone's clock is right, and try again."
)
_START_AGAIN = _("This attempt cannot go on. Start again from the beginning.")

# The App API's refusals as an app tells the citizen (the codes and their HTTP status are in
# `views.STATUS`; every one of them has a text here).
APP_ERRORS = {
    "invalid_activation_code": _(
        "The user-ID or the activation code is wrong, or the code has expired."
    ),
    "too_many_attempts": _("Too many wrong attempts. Wait a while and try again."),
    "too_many_apps": _("You already have the MitID app on 3 devices. Remove one first."),
    "too_many_sms": _(
        "Many temporary PINs have been sent to this mobile number. Wait an hour, or call MitID "
        "support."
    ),
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
    "server_error": _("Something went wrong. Try again."),
    "service_unavailable": _("The portal cannot answer right now. Try again in a minute."),
    # What the app sent could not be used, or did not prove which app sent it.
    "bad_request": _APP_FAULT,
    "unsupported_media_type": _APP_FAULT,
    "payload_too_large": _APP_FAULT,
    "malformed_json": _APP_FAULT,
    "invalid_text": _APP_FAULT,
    "invalid_key": _APP_FAULT,
    "method_not_allowed": _APP_FAULT,
    "not_found": _APP_FAULT,
    "missing_field": _("Fill in every field."),
    "bad_signature": _NOT_RECOGNISED,
    "unauthenticated": _NOT_RECOGNISED,
    "stale_request": _NOT_RECOGNISED,
    "replayed_request": _NOT_RECOGNISED,
    "installation_not_proven": _(
        "This phone holds another person's user-ID and could not prove that it is the same "
        "phone. Use a phone of your own."
    ),
    "already_active": _("This user-ID is active on this phone already."),
    "no_mobile": _("Your MitID has no mobile number for the temporary PIN. Add one in the portal."),
    "not_pending": _("This app is not waiting to be activated."),
    # The passport road.
    "terms_not_accepted": _("Tick the box to show that you have read and understood the terms."),
    "person_number_missing": _("Type your CPR number, or your P-code if you have no CPR number."),
    "person_number_invalid": _(
        "That is not a CPR number (10 digits) or a P-code (P and 8 digits). Check what you typed."
    ),
    # Said to the passport road and, since a blocked MitID's app is told at a login, to a
    # login too: not only a passport lifts it, any ID Borgerservice takes.
    "identity_blocked": _(
        "Your whole MitID is blocked. To lift the block, bring your ID to a Borgerservice office."
    ),
    "cannot_help_yourself": _("You cannot help yourself. Get MitID on your own phone instead."),
    "enrollment_not_found": _START_AGAIN,
    "wrong_step": _START_AGAIN,
    "enrollment_closed": _(
        "This attempt is closed, after too many refusals or because it is finished. Start "
        "again from the beginning."
    ),
    "enrollment_expired": _("You took too long, so this attempt has expired. Start again."),
    "mrz_invalid": _(
        "The machine-readable zone could not be read. Try again with the whole photo page in view."
    ),
    "mrz_check_digit": _(
        "A check digit in the machine-readable zone does not add up. The passport was read "
        "wrongly, or it is not genuine."
    ),
    "not_a_passport": _("This document is not a passport."),
    "passport_expired": _("The passport has expired. You need a valid passport."),
    "chip_malformed": _(
        "The passport's chip could not be read. Hold the passport still against the phone and "
        "try again."
    ),
    "chip_data_altered": _(
        "The data on the passport's chip has been changed since it was issued. The passport "
        "cannot be used."
    ),
    "chip_signature_invalid": _(
        "The signature on the passport's chip is not valid. The passport cannot be used."
    ),
    "chip_signer_untrusted": _(
        "The passport's chip is not signed by an authority MitID trusts. The passport cannot be "
        "used."
    ),
    "chip_mrz_mismatch": _("The chip belongs to another passport than the photo page you read."),
    "passport_mismatch": _(
        "The passport does not match the CPR register: name, date of birth or passport number. "
        "Check the CPR number or P-code you typed first: if it is wrong, cancel and start again."
    ),
    "face_mismatch": _(
        "Your face does not match the picture in the passport well enough. Take the picture "
        "again, in good light."
    ),
    "face_not_live": _(
        "That is a picture of the passport's photo, not of your face. Take a picture of your face."
    ),
    "face_unreadable": _("The picture could not be read. Take it again."),
    "user_id_invalid": _("The user-ID breaks the rules."),
    "user_id_taken": MESSAGES["taken"],
    # The passport road (the person has MitID already) and the copy road alike.
    "not_your_user_id": _("That is not the user-ID of this MitID. Type your own user-ID."),
    "invalid_mobile": _("That number cannot receive SMS. Type a mobile number."),
    "invalid_kind": _("Choose a code display or a code reader."),
    "order_exists": _("A code device of this kind has been ordered already."),
    "no_address": _("The CPR register has no address to send the code device to."),
    # Copying the app to a new phone.
    "copy_code_invalid": _(
        "That is not a QR code for copying MitID, or a newer code has replaced it."
    ),
    "copy_code_used": _("This QR code has been used already. Show a new one on the other phone."),
    "copy_code_expired": _("The QR code has expired. Show a new one on the other phone."),
    "copy_not_scanned": _("The new phone has not scanned the QR code yet."),
    "copy_replaced": _(
        "Your other phone has shown a new QR code since, so MitID was not copied to this "
        "phone. Scan the new code."
    ),
}

# Why a user-ID breaks the rules (`reasons` of `user_id_invalid`), said as enrollment says it.
USER_ID_REASONS = {
    "too_short": (MESSAGES["too_short"], {"limit": MIN_LENGTH}),
    "too_long": (MESSAGES["too_long"], {"limit": MAX_LENGTH}),
    "invalid_character": (
        _("5 to 48 characters: letters, digits, spaces and { } ! # $ ^ , * ( ) _ + - = : ; ? . @"),
        {},
    ),
    "edge_space": (MESSAGES["edge_space"], {}),
    "cpr_number": (MESSAGES["cpr_number"], {}),
    "looks_like_cpr": (MESSAGES["looks_like_cpr"], {}),
    "ten_digits": (MESSAGES["ten_digits"], {}),
}


def user_id_reasons() -> dict[str, str]:
    """The reasons in the active language (formatted now, not when the module was loaded)."""
    return {
        code: str(text) % params if params else str(text)
        for code, (text, params) in USER_ID_REASONS.items()
    }
