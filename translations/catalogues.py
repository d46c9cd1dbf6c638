"""What happens after a translator saves in rosetta: a clean catalogue, compiled, and in use.

Rosetta writes the .po with polib, which wraps lines unlike gettext, so the next
`makemessages` would show a diff for every long string; gettext's `msgcat` writes it back in
gettext's own layout. `msgfmt --check` then compiles the .mo, as `compilemessages` would, and
this process forgets the translations it had loaded. Other processes keep theirs until they
restart (README, Translators).
"""

import gettext as gettext_module
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext, trans_real

logger = logging.getLogger(__name__)


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def normalise_and_compile(po: Path) -> list[str]:
    """Rewrite `po` in gettext's layout and compile it; returns msgfmt's complaints, if any."""
    msgcat, msgfmt = shutil.which("msgcat"), shutil.which("msgfmt")
    if msgcat is None or msgfmt is None:
        # Rosetta's own .mo (from polib) stays in use; `make messages` will re-wrap the .po.
        logger.warning("gettext tools not found: %s kept in rosetta's layout", po)
        return []
    subprocess.run([msgcat, "--output-file", str(po), str(po)], check=True)  # noqa: S603
    result = subprocess.run(  # noqa: S603
        [msgfmt, "--check", "--output-file", str(po.with_suffix(".mo")), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr.strip().splitlines() if result.returncode else []


def forget_loaded_translations() -> None:
    """Make this process read the .mo files again, as Django's autoreloader does on a change.

    Django has no public call for it. The catalogues already active in other threads stay
    until their next request activates a language again. The cached menu and footer hold
    translated text too.
    """
    gettext_module._translations.clear()  # type: ignore[attr-defined]
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
    caches["fragments"].clear()


def after_rosetta_save(
    sender: Any, *, language_code: str, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    po = catalogue_path(language_code)
    if po.exists():
        problems = normalise_and_compile(po)
        if problems:
            logger.error("msgfmt --check failed for %s: %s", po, "; ".join(problems))
            if request is not None:
                messages.error(
                    request,
                    gettext("The catalogue was saved but has errors: %(errors)s")
                    % {"errors": "; ".join(problems)},
                )
    forget_loaded_translations()
