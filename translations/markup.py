"""What a translation must keep of its source: its placeholders and its HTML, exactly.

`{% blocktranslate %}` and `format_html` put a translation into the page as it is, unescaped
(only the values of its placeholders are escaped): a tag a translator types is HTML on every
page that shows the string (a `<meta http-equiv="refresh">` sends every visitor elsewhere),
and a `%(phone)s` left out leaves the number to whatever was typed instead. So a translation
has the same placeholders and the same tags as its source, as many of each, and no other `<`.
Every string in the catalogues kept so when this was written; `msgfmt --check` sees only the
placeholders' types.
"""

import re
from collections import Counter
from typing import Any

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|%%|\{\w*\}")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def refusal(source: str, translation: str) -> str:
    """What `translation` changes of `source`'s markup ("placeholders", "markup"), or ""."""
    if not translation:
        return ""  # not translated: the source is shown
    if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(translation)):
        return "placeholders"
    if Counter(TAG.findall(source)) != Counter(TAG.findall(translation)):
        return "markup"
    if TAG.sub("", translation).count("<") > TAG.sub("", source).count("<"):
        return "markup"  # half a tag, closed by whatever follows it on the page
    return ""


def source_of(entry: Any, form: int = 0) -> str:
    """The English text a translation of polib's `entry` stands for: its `msgid`, or for a
    plural form past the first its `msgid_plural`."""
    return str(entry.msgid_plural if entry.msgid_plural and form else entry.msgid)
