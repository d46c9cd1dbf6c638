"""The ASGI process's garbage collector: its young generation's threshold from the settings."""

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from mitid_portal import collector


@pytest.fixture(autouse=True)
def _pythons_thresholds() -> Iterator[None]:
    """Python's own thresholds for the test, and the process's again after it."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_young_generation_is_collected_as_often_as_the_setting_says() -> None:
    with override_settings(ASGI_GC_THRESHOLD=50_000):
        collector.tune()
    assert gc.get_threshold() == (50_000, 10, 10)  # the older generations as they were


def test_nought_keeps_pythons_own() -> None:
    with override_settings(ASGI_GC_THRESHOLD=0):
        collector.tune()
    assert gc.get_threshold() == (700, 10, 10)


def test_the_asgi_entry_point_tunes_the_collector() -> None:
    """The process uvicorn serves the websockets from, started as a deployer starts it."""
    program = "import gc, mitid_portal.asgi; print(gc.get_threshold()[0])"
    environment = {**os.environ, "ASGI_GC_THRESHOLD": "12345"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)  # mitid_portal.asgi sets its own
    found = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert found.stdout.strip() == "12345"
