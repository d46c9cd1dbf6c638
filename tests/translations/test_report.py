from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command

from translations.report import app_of, report_catalogue, state_of

LOCALE = Path(__file__).parent / "fixtures" / "locale"


@pytest.mark.parametrize(
    ("reference", "app"),
    [
        ("enrollment/views.py", "enrollment"),
        ("enrollment/views.py:12", "enrollment"),
        ("templates/enrollment/steps/contact.html", "enrollment"),
        ("templates/pages/help.html", "pages"),
        ("templates/base.html", "templates"),
        ("templates/_partials/language_switcher.html", "templates"),
        ("templates/forms/field.html", "templates"),
        ("mitid_portal/settings/base.py", "mitid_portal"),
    ],
)
def test_a_reference_belongs_to_the_app_it_names(reference: str, app: str) -> None:
    assert app_of(reference) == app


def test_fuzzy_is_never_translated_and_an_empty_plural_form_is_missing() -> None:
    fuzzy = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"])
    half_plural = polib.POEntry(msgid="a", msgid_plural="as", msgstr_plural={0: "b", 1: ""})
    english = polib.POEntry(msgid="Confirm", msgstr="Confirm")

    assert state_of(fuzzy) == "fuzzy"
    assert state_of(half_plural) == "missing"
    assert state_of(english) == "translated"


def test_counts_per_language_and_app() -> None:
    report = report_catalogue(LOCALE / "kl" / "LC_MESSAGES" / "django.po", "kl")

    # The obsolete entry does not count; "Confirm" counts once in all, once in enrollment.
    assert (report.totals.translated, report.totals.fuzzy, report.totals.missing) == (3, 1, 1)
    assert report.apps["enrollment"].translated == 2
    assert report.apps["templates"].translated == 1
    assert report.apps["nemid"].fuzzy == 1
    assert report.apps["login"].missing == 1
    assert not report.complete
    assert ("fuzzy", "nemid", "Wrong user-ID or password.") in report.incomplete
    assert ("missing", "login", "Log on with MitID") in report.incomplete


def test_the_command_prints_the_table_and_passes_without_check() -> None:
    out = StringIO()
    call_command("translations_report", "--locale-dir", str(LOCALE), "--language", "kl", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["language", "app", "translated", "fuzzy", "missing"]
    assert "kl       login                       0      0        1" in lines
    assert lines[-1].split() == ["kl", "=", "all", "3", "1", "1"]


def test_check_fails_on_fuzzy_or_missing_and_names_them() -> None:
    err = StringIO()
    with pytest.raises(CommandError, match="fuzzy or missing"):
        call_command(
            "translations_report",
            "--check",
            "--locale-dir",
            str(LOCALE),
            "--language",
            "en",
            "--language",
            "kl",
            stdout=StringIO(),
            stderr=err,
        )

    assert "kl: 1 fuzzy, 1 missing" in err.getvalue()
    assert "'Log on with MitID'" in err.getvalue()
    assert "en:" not in err.getvalue()  # English msgstr equal to the msgid is complete


def test_check_passes_on_complete_catalogues() -> None:
    out = StringIO()
    call_command(
        "translations_report",
        "--check",
        "--locale-dir",
        str(LOCALE),
        "--language",
        "en",
        stdout=out,
    )
    assert "Every catalogue is complete." in out.getvalue()


def test_a_missing_catalogue_fails_the_check(tmp_path: Path) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "translations_report",
            "--check",
            "--locale-dir",
            str(tmp_path),
            "--language",
            "kl",
            stdout=StringIO(),
            stderr=err,
        )
    assert "kl: no catalogue" in err.getvalue()


def test_the_projects_catalogues_are_all_counted() -> None:
    # Whatever their state: the command reads every language in LANGUAGES.
    out = StringIO()
    call_command("translations_report", stdout=out)
    totals = [line.split()[0] for line in out.getvalue().splitlines() if "= all" in line]
    assert totals == ["da", "en", "kl"]
