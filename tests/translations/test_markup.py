"""Every translation keeps its source's placeholders and HTML (`translations.markup`): the
rule rosetta's form applies, held by the catalogues in the tree too, edited by hand or not."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

from translations import markup


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_every_translation_in_the_catalogues_keeps_its_sources_markup(language: str) -> None:
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"))
    broken = []
    for entry in po:
        if entry.obsolete:
            continue
        forms = (
            {index: text for index, text in entry.msgstr_plural.items()}
            if entry.msgid_plural
            else {0: entry.msgstr}
        )
        for index, text in forms.items():
            if markup.refusal(markup.source_of(entry, index), text):
                broken.append(entry.msgid)
    assert broken == []


@pytest.mark.parametrize(
    ("source", "translation", "refusal"),
    [
        ("Call %(phone)s.", "Ring %(phone)s.", ""),
        ("Call %(phone)s.", "", ""),  # not translated: the source shows
        ("Call %(phone)s.", "Ring 90 90 90 90.", "placeholders"),
        ("Call %(phone)s.", "Ring %(phone)s, %(phone)s.", "placeholders"),
        ("Hi {}.", "Hej.", "placeholders"),
        ('See <a href="%(url)s">it</a>.', 'Se <a href="%(url)s">den</a>.', ""),
        ('See <a href="%(url)s">it</a>.', 'Se <a href="%(url)s" onclick="x()">den</a>.', "markup"),
        ("Call us.", 'Ring. <meta http-equiv="refresh" content="0">', "markup"),
        ("Call us.", "Ring. <img src=x onerror=alert(1)", "markup"),
        ("a < b", "a < b", ""),
    ],
)
def test_the_rule(source: str, translation: str, refusal: str) -> None:
    assert markup.refusal(source, translation) == refusal
