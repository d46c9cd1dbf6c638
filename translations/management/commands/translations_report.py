"""`manage.py translations_report`: translated, fuzzy and missing strings per language and app."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from translations.report import format_table, report_languages


class Command(BaseCommand):
    help = (
        "Count translated, fuzzy and missing strings in each catalogue, per app (from the "
        "#: references). With --check, fail on any fuzzy or missing string."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 on any fuzzy or missing string"
        )
        parser.add_argument(
            "--locale-dir",
            type=Path,
            default=Path(settings.LOCALE_PATHS[0]),
            help="the folder holding <language>/LC_MESSAGES/django.po (the project's locale/)",
        )
        parser.add_argument(
            "--language",
            action="append",
            dest="languages",
            help="only this language (repeatable); default: every language in LANGUAGES",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        languages = options["languages"] or [code for code, _name in settings.LANGUAGES]
        reports = report_languages(options["locale_dir"], languages)
        self.stdout.write(format_table(reports))
        if not options["check"]:
            return
        incomplete = [report for report in reports if not report.complete]
        if not incomplete:
            self.stdout.write(self.style.SUCCESS("Every catalogue is complete."))
            return
        for report in incomplete:
            if not report.exists:
                self.stderr.write(f"{report.language}: no catalogue at {report.path}")
                continue
            self.stderr.write(
                f"{report.language}: {report.totals.fuzzy} fuzzy, {report.totals.missing} missing"
            )
            for state, apps, msgid in report.incomplete:
                self.stderr.write(f"  {state:<8}{apps}: {msgid!r}")
        raise CommandError(
            "Some catalogues have fuzzy or missing strings: translate them in "
            "locale/<language>/LC_MESSAGES/django.po or in the admin's translation pages "
            "(README, Translators)."
        )
