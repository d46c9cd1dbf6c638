"""Text in the wrong language on a page, found through the catalogues.

A text shown on a page in language P leaks when it is a string of another language's
catalogue (a msgstr, or an English msgid) and is not also a string of P's catalogue. A
Greenlandic string without a translation shows as Danish (Django falls back to
LANGUAGE_CODE), or as its English msgid when Danish lacks it too. "MitID" or "SMS", the
same in every language, are strings of P too, so they never count. Text in a `[lang]` element
of another language (the trilingual notice, the language switcher) is skipped by the page
walker, not here.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
# A pattern needs this many letters outside its placeholders to say anything about a language.
MIN_LETTERS = 4

# Names that are the same in every language; a text made only of them (and of numbers,
# phone numbers, e-mail addresses and punctuation) says nothing about the page's language.
PROPER_NOUNS = (
    "MitID.dk",
    "MitID",
    "NemID",
    "Borgerservice",
    "Den Digitale Hotline",
    "borger.dk",
    "Google Play",
    "App Store",
    "Kalaallisut",
    "Dansk",
    "English",
)
EMAIL = re.compile(r"\S+@\S+")
LETTER = re.compile(r"[^\W\d_]")


def normalise(text: str) -> str:
    """As a reader sees it: no markup, entities resolved, whitespace collapsed."""
    return SPACE.sub(" ", html.unescape(TAG.sub("", text))).strip()


def says_nothing_about_language(text: str) -> bool:
    rest = EMAIL.sub("", text)
    for noun in PROPER_NOUNS:
        rest = rest.replace(noun, "")
    return not LETTER.search(rest)


@dataclass
class Strings:
    """The strings of one language: exact ones, and patterns for those with placeholders."""

    exact: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def add(self, raw: str) -> None:
        text = normalise(raw).replace("%%", "%")
        if not text:
            return
        if not PLACEHOLDER.search(text):
            self.exact.add(text)
            return
        literal = PLACEHOLDER.sub("", text)
        if len(LETTER.findall(literal)) < MIN_LETTERS:
            return
        parts = PLACEHOLDER.split(text)
        self.patterns.append(re.compile("(?:.+?)".join(re.escape(part) for part in parts)))

    def matches(self, text: str) -> bool:
        return text in self.exact or any(p.fullmatch(text) for p in self.patterns)


def catalogue_strings(path: Path, *, with_msgids: bool, min_words: int = 1) -> Strings:
    """The translated (never fuzzy) strings of a catalogue; with the msgids for English."""
    strings = Strings()
    for entry in polib.pofile(str(path)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        if with_msgids:
            texts += [entry.msgid, entry.msgid_plural]
        for text in texts:
            if text and len(text.split()) >= min_words:
                strings.add(text)
    return strings


@dataclass(frozen=True)
class Leak:
    text: str
    languages: tuple[str, ...]  # the languages it is a string of


@dataclass
class LeakFinder:
    strings: dict[str, list[Strings]]

    def leaks(self, language: str, texts: Iterable[str]) -> list[Leak]:
        found = []
        for raw in texts:
            text = normalise(raw)
            if not text or says_nothing_about_language(text):
                continue
            if any(s.matches(text) for s in self.strings[language]):
                continue
            others = tuple(
                other
                for other, strings in self.strings.items()
                if other != language and any(s.matches(text) for s in strings)
            )
            if others:
                found.append(Leak(text, others))
        return found


def project_leak_finder(locale_dir: Path, languages: Iterable[str]) -> LeakFinder:
    """Our catalogues, plus Django's own for da and en: its form errors and dates fall back
    to Danish on a Greenlandic page, as Django has no Greenlandic catalogue."""
    import django

    django_locale = Path(django.__file__).parent / "conf" / "locale"
    strings: dict[str, list[Strings]] = {}
    for language in languages:
        ours = catalogue_strings(
            locale_dir / language / "LC_MESSAGES" / "django.po", with_msgids=language == "en"
        )
        strings[language] = [ours]
        theirs = django_locale / language / "LC_MESSAGES" / "django.po"
        if theirs.exists():
            # Whole phrases only: Django's one-word strings ("No", "og") collide too easily.
            strings[language].append(
                catalogue_strings(theirs, with_msgids=language == "en", min_words=2)
            )
    return LeakFinder(strings)
