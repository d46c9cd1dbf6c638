"""The session's time limit: how long is left, and more time on request (WCAG 2.2.1)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nemid import session as nemid_session

pytestmark = pytest.mark.django_db


def age_proof(client: Client, minutes: int) -> None:
    session = client.session
    data = session[nemid_session.PROOF_KEY]
    data["proven_at"] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session[nemid_session.PROOF_KEY] = data
    session.save()


def test_the_page_says_how_long_the_session_has_and_warns_before(
    nemid_client: Callable[..., Client], settings: object
) -> None:
    client = nemid_client()
    age_proof(client, 20)
    html = client.get("/en/enrollment/").content.decode()
    assert 'id="session-warning"' in html
    seconds = int(html.split('data-seconds-left="', 1)[1].split('"', 1)[0])
    assert 9 * 60 - 5 <= seconds <= 10 * 60, "the NemID proof's 10 minutes, not the cookie's 30"
    assert 'data-warn-before="120"' in html


def test_without_a_login_there_is_no_warning(client: Client) -> None:
    assert 'id="session-warning"' not in client.get("/en/").content.decode()


def test_more_time_renews_the_nemid_proof_and_stays_on_the_page(
    nemid_client: Callable[..., Client],
) -> None:
    client = nemid_client()
    age_proof(client, 29)
    answer = client.post(
        "/en/login/more-time/", {"next": "/en/enrollment/"}, HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["seconds_left"] >= 29 * 60
    # Two minutes later the proof would have run out without it; now it still works.
    session = client.session
    data = session[nemid_session.PROOF_KEY]
    data["renewed_at"] = (timezone.now() - timedelta(minutes=2)).isoformat()
    data["proven_at"] = (timezone.now() - timedelta(minutes=31)).isoformat()
    session[nemid_session.PROOF_KEY] = data
    session.save()
    assert client.get("/en/enrollment/").status_code == 200


def test_a_proof_that_ran_out_is_not_renewed(nemid_client: Callable[..., Client]) -> None:
    client = nemid_client()
    age_proof(client, 31)
    client.post("/en/login/more-time/", {"next": "/en/enrollment/"})
    assert "renewed_at" not in client.session[nemid_session.PROOF_KEY]
    assert client.get("/en/enrollment/")["Location"].startswith("/en/nemid/login/")


def test_without_javascript_more_time_goes_back_to_the_page(
    nemid_client: Callable[..., Client],
) -> None:
    client = nemid_client()
    answer = client.post("/en/login/more-time/", {"next": "/en/enrollment/terms/"})
    assert answer["Location"] == "/en/enrollment/terms/"
    answer = client.post("/en/login/more-time/", {"next": "https://evil.example/"})
    assert answer["Location"] != "https://evil.example/"
    answer = client.post("/en/login/more-time/", {"next": "abc"})  # not a view's name
    assert (answer.status_code, answer["Location"]) == (302, "/en/selfservice/")


def test_a_page_keeps_the_session_and_a_poll_does_not(
    nemid_client: Callable[..., Client],
) -> None:
    from django.contrib.sessions.models import Session

    client = nemid_client()
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get("/en/login/app/status/")  # a poll, once a second on the QR page
    assert Session.objects.get(pk=key).expire_date < timezone.now() + timedelta(minutes=6)
    client.get("/en/enrollment/")  # a page with the countdown
    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(minutes=29)


def test_pages_within_a_minute_of_the_last_write_write_nothing(
    nemid_client: Callable[..., Client],
) -> None:
    """Browsing page after page keeps the session without a write for each: the countdown
    says what the last write gave, which is at most SESSION_REFRESH_SECONDS less than full."""
    from django.contrib.sessions.models import Session

    client = nemid_client()
    key = client.session.session_key
    almost_full = timezone.now() + timedelta(minutes=30) - timedelta(seconds=30)
    Session.objects.filter(pk=key).update(expire_date=almost_full)
    html = client.get("/en/enrollment/").content.decode()
    assert Session.objects.get(pk=key).expire_date == almost_full  # not written
    seconds = int(html.split('data-seconds-left="', 1)[1].split('"', 1)[0])
    assert 30 * 60 - 35 <= seconds <= 30 * 60 - 30, "what the last write gave, not full"

    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=28))
    client.get("/en/enrollment/")  # two minutes short: written again, for the full time
    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(minutes=29)


def test_a_session_written_for_longer_than_the_time_configured_now_is_written_again(
    nemid_client: Callable[..., Client], settings: object
) -> None:
    from django.contrib.sessions.models import Session

    client = nemid_client()
    key = client.session.session_key
    settings.SESSION_COOKIE_AGE = 10 * 60  # type: ignore[attr-defined]
    client.get("/en/enrollment/")  # the row had 30 minutes: now it has 10
    assert Session.objects.get(pk=key).expire_date < timezone.now() + timedelta(minutes=11)


def test_more_time_after_logging_out_in_another_tab_says_none_is_left(
    nemid_client: Callable[..., Client],
) -> None:
    """A page left open in one tab while another logged out: its "Yes, give me more time" got
    the full 30 minutes back and closed the dialog, and the next page sent the citizen to the
    NemID login with what they had chosen lost (a walk with two tabs). Now the answer is 0,
    on which the dialog says the citizen was logged out, and no empty session is written."""
    from django.contrib.sessions.models import Session

    client = nemid_client()
    client.post("/en/nemid/log-out/")
    rows = Session.objects.count()
    answer = client.post(
        "/en/login/more-time/", {"next": "/en/enrollment/"}, HTTP_ACCEPT="application/json"
    )
    assert answer.json() == {"seconds_left": 0}
    assert Session.objects.count() == rows
    # A proof that ran out is no more to keep than a login ended.
    client = nemid_client()
    age_proof(client, 31)
    answer = client.post("/en/login/more-time/", HTTP_ACCEPT="application/json")
    assert answer.json() == {"seconds_left": 0}


def test_a_page_asks_how_long_the_session_has_as_stored_and_keeps_it_no_longer(
    nemid_client: Callable[..., Client],
) -> None:
    """A tab left alone while another kept the session said "You have been logged out" (a walk
    with two tabs): the page asks first, and asking writes nothing."""
    from django.contrib.sessions.models import Session

    client = nemid_client()
    key = client.session.session_key
    html = client.get("/en/enrollment/").content.decode()
    assert 'data-time-left="/en/login/time-left/"' in html
    expiry = timezone.now() + timedelta(minutes=25)
    Session.objects.filter(pk=key).update(expire_date=expiry)  # as another tab left it

    answer = client.get("/en/login/time-left/", HTTP_ACCEPT="application/json")

    assert 25 * 60 - 5 <= answer.json()["seconds_left"] <= 25 * 60
    assert answer["Cache-Control"].startswith("max-age=0")
    assert Session.objects.get(pk=key).expire_date == expiry  # not kept any longer
    age_proof(client, 28)  # the NemID proof runs out first: 2 of its 30 minutes left
    assert client.get("/en/login/time-left/").json()["seconds_left"] <= 2 * 60
    client.post("/en/nemid/log-out/")
    assert client.get("/en/login/time-left/").json() == {"seconds_left": 0}
    assert client.post("/en/login/time-left/").status_code == 405
