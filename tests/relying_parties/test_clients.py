"""A party's client is read once and kept in the cache; a change to it holds from the next
request, and a cache that does not answer costs only the query it spared."""

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from authenticators.models import AppDevice
from relying_parties import clients
from tests.staff.helpers import english_client, log_in_staff, staff_member

from .conftest import Party
from .helpers import authorize_url, exchange, log_in_with_app, query_of, start

pytestmark = pytest.mark.django_db


def test_a_client_is_read_once_then_taken_from_the_cache(
    party: Party, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        clients.client_for(party.client_id)
    with django_assert_num_queries(0):
        kept = clients.client_for(party.client_id)
    assert kept is not None and kept.client_id == party.client_id
    with django_assert_num_queries(0):  # the party came with it, and knows its client
        assert kept.relying_party.name == "Nordbank"
        assert kept.relying_party.application.client_id == party.client_id


def test_an_unknown_client_is_asked_of_the_database_each_time(
    django_assert_num_queries,
) -> None:
    for _ in range(2):
        with django_assert_num_queries(1):
            assert clients.client_for("nobody") is None


class AnotherProcessStartsTheGeneration:
    """The cache, with another process starting the first generation just before ours."""

    def __getattr__(self, name: str) -> Any:
        return getattr(cache, name)

    def add(self, key: str, value: Any, timeout: Any = None) -> bool:
        cache.set(clients.GENERATION, "theirs", timeout=None)
        return cache.add(key, value, timeout)


def test_a_client_read_as_another_process_starts_the_generation_is_not_kept_under_ours(
    party: Party, django_assert_num_queries, monkeypatch
) -> None:
    cache.clear()  # no generation yet: the first read starts one
    with monkeypatch.context() as racing:
        racing.setattr(clients, "cache", AnotherProcessStartsTheGeneration())
        with django_assert_num_queries(1):
            read = clients.client_for(party.client_id)
    assert read is not None and read.client_id == party.client_id
    assert cache.get(clients.GENERATION) == "theirs"
    with django_assert_num_queries(1):  # nothing was kept: read again, kept under theirs
        clients.client_for(party.client_id)
    with django_assert_num_queries(0):
        clients.client_for(party.client_id)


def only_the_new_secret_swaps(client: Client, party: Party, code: str, secret: str) -> None:
    """The code is refused with the party's old secret, and then swapped with the new one."""
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (401, "invalid_client")
    party.client_secret = secret
    status, body = exchange(client, party, code)
    assert status == 200 and body["id_token"]


def test_a_secret_replaced_holds_at_the_next_token_request(
    client: Client, party: Party, jonas_phone: AppDevice, django_capture_on_commit_callbacks
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]  # the client is kept
    application = party.registered.party.application
    with django_capture_on_commit_callbacks(execute=True):
        application.client_secret = "the new secret"
        application.save()
    only_the_new_secret_swaps(client, party, code, "the new secret")


def test_an_address_struck_off_is_refused_at_the_next_request(
    client: Client, party: Party, django_capture_on_commit_callbacks
) -> None:
    start(client, party)  # the client is kept
    application = party.registered.party.application
    with django_capture_on_commit_callbacks(execute=True):
        application.redirect_uris = "https://bank.example/elsewhere"
        application.save()
    response = Client().get(authorize_url(party))
    assert response.status_code == 400 and "Location" not in response
    assert 'data-code="unregistered_redirect_uri"' in response.content.decode()


def test_a_party_deleted_is_unknown_at_the_next_request(
    client: Client, party: Party, django_capture_on_commit_callbacks
) -> None:
    start(client, party)  # the client is kept
    with django_capture_on_commit_callbacks(execute=True):
        party.registered.party.application.delete()
    response = Client().get(authorize_url(party))
    assert response.status_code == 400 and "Location" not in response
    assert 'data-code="unknown_client"' in response.content.decode()


def test_what_is_read_before_a_change_is_committed_is_not_taken_after(
    party: Party, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    """A process that reads the client between the change and its commit meets the old row
    (here the test's own transaction shows it the new one): what it keeps then is of a
    generation that the commit ends."""
    clients.client_for(party.client_id)
    application = party.registered.party.application
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application.name = "Nordbank A/S"
        application.save()
    with django_assert_num_queries(1):
        clients.client_for(party.client_id)  # the change's first generation: read again
    with django_assert_num_queries(0):
        clients.client_for(party.client_id)  # and kept under it
    for callback in callbacks:
        callback()  # committed
    with django_assert_num_queries(1):
        kept = clients.client_for(party.client_id)
    assert kept is not None and kept.name == "Nordbank A/S"


def test_a_party_that_may_no_longer_receive_the_cpr_number_is_told_at_once(
    cpr_party: Party, django_assert_num_queries
) -> None:
    kept = clients.client_for(cpr_party.client_id)
    assert kept is not None and kept.relying_party.may_receive_cpr
    party = cpr_party.registered.party
    party.may_receive_cpr = False
    party.save()
    with django_assert_num_queries(1):
        kept = clients.client_for(cpr_party.client_id)
    assert kept is not None and not kept.relying_party.may_receive_cpr


def test_a_change_the_cache_cannot_hear_fails(party: Party, request) -> None:
    """Rather than a secret replaced that the servers would go on taking until it expires."""
    request.getfixturevalue("redis_down")
    application = party.registered.party.application
    application.client_secret = "the new secret"
    with pytest.raises(RedisConnectionError):
        application.save()


def test_a_token_request_when_the_cache_does_not_answer(
    client: Client, party: Party, jonas_phone: AppDevice, request, caplog
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    request.getfixturevalue("redis_down")
    with caplog.at_level(logging.WARNING, logger="relying_parties.clients"):
        status, body = exchange(client, party, code)
    assert status == 200 and body["id_token"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "relying_parties.clients"]
    assert len(warnings) == 1 and warnings[0].startswith(clients.UNANSWERED)


def admin_change_form(party: Party, secret: str) -> dict[str, str]:
    application = party.registered.party.application
    return {
        "name": application.name,
        "client_id": application.client_id,
        "client_type": application.client_type,
        "client_secret": secret,
        "redirect_uris": application.redirect_uris,
        "post_logout_redirect_uris": application.post_logout_redirect_uris,
        "relying_party-TOTAL_FORMS": "1",
        "relying_party-INITIAL_FORMS": "1",
        "relying_party-MIN_NUM_FORMS": "1",
        "relying_party-MAX_NUM_FORMS": "1",
        "relying_party-0-id": str(party.registered.party.pk),
        "relying_party-0-application": str(application.pk),
        "relying_party-0-scopes": "openid profile",
    }


def change_in_admin(party: Party, secret: str) -> HttpResponse:
    staff = log_in_staff(english_client(), staff_member("root", superuser=True))
    pk = party.registered.party.application.pk
    return staff.post(
        f"/admin/oauth2_provider/application/{pk}/change/", admin_change_form(party, secret)
    )


def test_a_secret_replaced_in_the_admin_is_hashed_and_holds_at_once(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]  # the client is kept
    response = change_in_admin(party, "the new secret, typed by staff")
    assert response.status_code == 302, response.content.decode()[-3000:]
    application = party.registered.party.application
    application.refresh_from_db()
    assert application.client_secret.startswith("client_secret_sha256$")
    only_the_new_secret_swaps(client, party, code, "the new secret, typed by staff")


def test_a_secret_replaced_in_the_admin_when_the_cache_does_not_answer_is_not_saved(
    party: Party, request
) -> None:
    before = party.registered.party.application.client_secret
    request.getfixturevalue("redis_down")
    response = change_in_admin(party, "the new secret, typed by staff")
    assert response.status_code == 503
    application = party.registered.party.application
    application.refresh_from_db()
    assert application.client_secret == before
