from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cpr.models import RegisteredPerson
from nemid.keycard import card_pairs
from nemid.models import NemIDAccount

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_people_and_can_run_again() -> None:
    call_command("seed_demo", stdout=StringIO())
    secrets_before = dict(NemIDAccount.objects.values_list("user_id", "keycard_secret"))
    call_command("seed_demo", stdout=StringIO())

    # The three NemID people and Sofie, who never had NemID; each has a passport file.
    assert RegisteredPerson.objects.count() == 4
    assert RegisteredPerson.objects.exclude(passport_number="").count() == 4
    jonas = NemIDAccount.objects.get(user_id="Jonas1983")
    assert jonas.check_password("Nemid-Jonas-1983")
    assert NemIDAccount.objects.get(user_id="karen.h").check_password("Nemid-Karen-1975")
    poul = NemIDAccount.objects.get(cpr="1107481109")
    assert poul.user_id == poul.cpr
    assert dict(NemIDAccount.objects.values_list("user_id", "keycard_secret")) == secrets_before
    assert get_user_model().objects.get(username="staff").is_staff


def test_nemid_keycard_prints_key_and_code_pairs() -> None:
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("nemid_keycard", "JONAS1983", stdout=out)
    lines = out.getvalue().splitlines()
    jonas = NemIDAccount.objects.get(user_id="Jonas1983")
    assert lines == [f"{key} {code}" for key, code in card_pairs(jonas.keycard_secret)]


def test_nemid_keycard_of_an_unknown_user_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("nemid_keycard", "nobody")


@pytest.mark.django_db(False)
def test_a_reader_that_leaves_early_ends_a_command_without_a_traceback() -> None:
    """`manage.py nemid_keycard Jonas1983 | head -2`: the pipe closes under the command."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone: every write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "manage.py", "help"],
            cwd=Path(__file__).resolve().parents[1],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
