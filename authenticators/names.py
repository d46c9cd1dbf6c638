"""A device's name as people read it: in the SMS and e-mails about it, the history, the admin."""

import unicodedata

MAX_LENGTH = 40
# Kept though they are format characters: they join an emoji's parts (U+200D, U+FE0F).
_JOINERS = {"\u200d", "\ufe0f"}


def device_name(given: str, default: str) -> str:
    """The name a phone gives itself, on one line of plain text: a control or format
    character (a line break, a right-to-left override, an invisible one) or another kind of
    space is a space, a run of spaces one, at most MAX_LENGTH characters; `default` if
    nothing is left. A line break in it broke the e-mails about the device (a header may hold
    none) and let a name write lines of its own into MitID's messages (a probe)."""
    plain = "".join(
        " "
        if unicodedata.category(character)[0] in "CZ" and character not in _JOINERS
        else character
        for character in given
    )
    return " ".join(plain.split())[:MAX_LENGTH].strip() or default
