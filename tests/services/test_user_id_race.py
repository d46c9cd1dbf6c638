"""Two people claim the same user-ID at the same moment on PostgreSQL: exactly one gets it."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from enrollment import services, state
from enrollment.flow import Channel

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's concurrent transactions",
    ),
]


def test_two_concurrent_claims_of_one_user_id(transactional_db: None, monkeypatch) -> None:
    cases = [
        state.open_case(cpr=cpr, nemid_user_id="", channel=Channel.MITID, language="da").case
        for cpr in ("1505831235", "0203754322")
    ]
    both_checked = threading.Barrier(2, timeout=10)
    original = services.validate_user_id

    def validate_then_wait(value: str, *, cpr: str | None = None) -> None:
        original(value, cpr=cpr)
        both_checked.wait()  # both have seen the user-ID free before either saves it

    monkeypatch.setattr(services, "validate_user_id", validate_then_wait)
    outcomes: list[str] = []

    def claim(case_pk: int) -> None:
        case = type(cases[0]).objects.select_related("identity").get(pk=case_pk)
        try:
            services.choose_user_id(case, "Same.Wish")
            outcomes.append("won")
        except ValidationError as error:
            outcomes.append(error.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(case.pk,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["taken", "won"]
