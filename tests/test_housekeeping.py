"""The beat's housekeeping of what Django keeps for the whole site."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from mitid_portal import tasks
from mitid_portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_rows_of_sessions_past_their_time_are_deleted_and_no_others() -> None:
    ended, open_one = SessionStore(), SessionStore()
    for store in (ended, open_one):
        store["who"] = "someone"
        store.save()
    Session.objects.filter(pk=ended.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    tasks.clear_expired_sessions()
    kept = set(Session.objects.values_list("pk", flat=True))
    assert open_one.session_key in kept and ended.session_key not in kept
    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()
    assert SessionStore(open_one.session_key)["who"] == "someone"
