"""A party's client is read once and kept in the cache; a change to it holds from the next
request, and a cache that does not answer costs only the query it spared."""

import logging

import pytest
from django.test import Client

from authenticators.models import AppDevice
from relying_parties import clients

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


def test_a_secret_replaced_holds_at_the_next_token_request(
    client: Client, party: Party, jonas_phone: AppDevice, django_capture_on_commit_callbacks
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]  # the client is kept
    application = party.registered.party.application
    with django_capture_on_commit_callbacks(execute=True):
        application.client_secret = "the new secret"
        application.save()
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (401, "invalid_client")
    party.client_secret = "the new secret"
    status, body = exchange(client, party, code)
    assert status == 200 and body["id_token"]


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


def test_a_change_kept_nothing_until_it_is_committed(
    party: Party, django_capture_on_commit_callbacks
) -> None:
    """A client read between the change and its commit would be the old row: the generation
    moves only when the change is committed, so that such a read is never taken again."""
    clients.client_for(party.client_id)
    application = party.registered.party.application
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application.name = "Nordbank A/S"
        application.save()
    assert callbacks  # the new generation waits for the commit
    kept = clients.client_for(party.client_id)
    assert kept is not None and kept.name == "Nordbank"  # (the test's transaction is open)
    callbacks[0]()
    kept = clients.client_for(party.client_id)
    assert kept is not None and kept.name == "Nordbank A/S"


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
