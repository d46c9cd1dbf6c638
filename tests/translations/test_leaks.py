"""The logic of the browser test that looks for text in the wrong language."""

from pathlib import Path

from translations.leaks import (
    Leak,
    LeakFinder,
    Strings,
    catalogue_strings,
    normalise,
    project_leak_finder,
)

LOCALE = Path(__file__).parent / "fixtures" / "locale"


def strings(*texts: str) -> list[Strings]:
    result = Strings()
    for text in texts:
        result.add(text)
    return [result]


FINDER = LeakFinder(
    {
        "da": strings("Log ind", "Hej %(name)s", "MitID", "Ring til %(phone)s"),
        "en": strings("Log in", "Hello %(name)s", "MitID", "Call MitID support on %(phone)s."),
        "kl": strings("Iserit", "Aluu %(name)s", "MitID"),
    }
)


def test_a_string_of_another_language_is_a_leak() -> None:
    assert FINDER.leaks("kl", ["Iserit", "Log in", "Log ind"]) == [
        Leak("Log in", ("en",)),
        Leak("Log ind", ("da",)),
    ]


def test_a_string_valid_in_the_pages_language_is_not() -> None:
    assert FINDER.leaks("da", ["MitID", "Log ind", "Hej Jonas Jensen"]) == []


def test_placeholders_match_whatever_fills_them() -> None:
    assert FINDER.leaks("kl", ["Hello Jonas Jensen", "Call MitID support on 33 98 00 10."]) == [
        Leak("Hello Jonas Jensen", ("en",)),
        Leak("Call MitID support on 33 98 00 10.", ("en",)),
    ]


def test_names_numbers_and_addresses_say_nothing() -> None:
    texts = ["33 98 00 10", "borgerservice@herning.dk", "MitID", "NemID", "7400 Herning", "J()nas"]
    assert FINDER.leaks("kl", texts) == []


def test_markup_and_whitespace_are_as_the_reader_sees_them() -> None:
    assert (
        normalise("  Read <a href='/x'>the\n   terms</a> &amp; agree ") == "Read the terms & agree"
    )
    finder = LeakFinder({"en": strings("Read <a href='%(url)s'>the terms</a> first"), "da": []})
    assert finder.leaks("da", ["Read the terms first"]) == [Leak("Read the terms first", ("en",))]


def test_a_placeholder_alone_matches_nothing() -> None:
    finder = LeakFinder({"en": strings("%(device)s", "%(n)s of %(m)s"), "kl": strings()})
    assert finder.leaks("kl", ["Anything at all", "3 of 4"]) == []


def test_untranslated_and_fuzzy_entries_are_no_strings_of_the_language() -> None:
    kl = catalogue_strings(LOCALE / "kl" / "LC_MESSAGES" / "django.po", with_msgids=False)
    assert kl.matches("Uppernarsaruk")
    assert not kl.matches("Atuisup ID-ia kukkuvoq.")  # fuzzy: gettext does not show it
    assert not kl.matches("Log on with MitID")  # missing: the English msgid shows instead
    en = catalogue_strings(LOCALE / "en" / "LC_MESSAGES" / "django.po", with_msgids=True)
    assert en.matches("Log on with MitID")


def test_an_untranslated_greenlandic_string_is_a_leak() -> None:
    finder = project_leak_finder(LOCALE, ["en", "kl"])
    assert finder.leaks("kl", ["Log on with MitID", "Uppernarsaruk"]) == [
        Leak("Log on with MitID", ("en",))
    ]
