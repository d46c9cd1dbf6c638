"""How complete each catalogue is, per language and per app, from the `#:` file references."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

# Strings used only by the layout (base.html, _partials, forms) count under "templates".
LAYOUT = "templates"


@dataclass
class Counts:
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.missing

    @property
    def complete(self) -> bool:
        return self.fuzzy == 0 and self.missing == 0

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)


@dataclass
class CatalogueReport:
    language: str
    path: Path
    exists: bool = True
    totals: Counts = field(default_factory=Counts)
    apps: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    # (state, apps, msgid) of every entry that is not translated, for the failure message.
    incomplete: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.exists and self.totals.complete


def app_of(reference: str) -> str:
    """The app a `#:` reference belongs to: `enrollment/views.py` and
    `templates/enrollment/steps/x.html` are both enrollment; `templates/base.html` is layout."""
    parts = Path(reference.split(":", 1)[0]).parts
    if not parts:
        return LAYOUT
    if parts[0] == "templates":
        folder = parts[1] if len(parts) > 2 else ""
        return folder if folder and not folder.startswith("_") and folder != "forms" else LAYOUT
    return parts[0]


def state_of(entry: polib.POEntry) -> str:
    """translated, fuzzy or missing. A fuzzy entry is never translated, even with a msgstr:
    gettext does not use it. An English msgstr equal to its msgid is a translation."""
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if entry.msgid_plural:
        forms = entry.msgstr_plural.values()
        return "translated" if forms and all(forms) else "missing"
    return "translated" if entry.msgstr else "missing"


def apps_of(entry: polib.POEntry) -> set[str]:
    return {app_of(path) for path, _line in entry.occurrences} or {"(no reference)"}


def report_catalogue(path: Path, language: str) -> CatalogueReport:
    report = CatalogueReport(language=language, path=path)
    if not path.exists():
        report.exists = False
        return report
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        state = state_of(entry)
        report.totals.add(state)
        apps = sorted(apps_of(entry))
        # A string used by two apps counts once in each app, and once in the language's total.
        for app in apps:
            report.apps[app].add(state)
        if state != "translated":
            report.incomplete.append((state, ", ".join(apps), entry.msgid))
    return report


def report_languages(locale_dir: Path, languages: Iterable[str]) -> list[CatalogueReport]:
    return [
        report_catalogue(locale_dir / language / "LC_MESSAGES" / "django.po", language)
        for language in languages
    ]


def format_table(reports: list[CatalogueReport]) -> str:
    lines = [f"{'language':<9}{'app':<18}{'translated':>11}{'fuzzy':>7}{'missing':>9}"]
    for report in reports:
        if not report.exists:
            lines.append(f"{report.language:<9}{'(no catalogue: ' + str(report.path) + ')'}")
            continue
        for app in sorted(report.apps):
            counts = report.apps[app]
            lines.append(
                f"{report.language:<9}{app:<18}{counts.translated:>11}{counts.fuzzy:>7}"
                f"{counts.missing:>9}"
            )
        totals = report.totals
        lines.append(
            f"{report.language:<9}{'= all':<18}{totals.translated:>11}{totals.fuzzy:>7}"
            f"{totals.missing:>9}"
        )
    return "\n".join(lines)
