"""Django's `{# #}` comment ends on its own line: one that runs on is shown to the citizen as
text (a party's login page showed a developer's note above its header, a walk of
2026-12-05)."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def templates() -> list[Path]:
    found = [
        path
        for path in ROOT.rglob("templates/**/*")
        if path.suffix in (".html", ".txt") and ".venv" not in path.parts
    ]
    assert len(found) > 50  # the portal's templates, not an empty glob
    return found


def test_no_template_has_a_comment_that_runs_past_its_line() -> None:
    running_on = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.rfind("{#") > line.rfind("#}")
    ]
    assert running_on == []
