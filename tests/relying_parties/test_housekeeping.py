"""The tokens a party's login was swapped for go when their time is over; the login stays."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, IDToken

from authenticators.models import AppDevice
from relying_parties import tasks
from relying_parties.models import PartyLogin

from .conftest import LOGGED_OUT_URI, Party
from .helpers import exchange, log_in_with_app, query_of

pytestmark = pytest.mark.django_db


def test_tokens_past_their_time_are_deleted_and_the_partys_logins_stay(
    party: Party, jonas_phone: AppDevice
) -> None:
    first = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    status, old = exchange(Client(), party, first)
    assert status == 200
    status, new = exchange(
        Client(), party, query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    )
    assert status == 200
    past = timezone.now() - timedelta(seconds=1)
    old_token = AccessToken.objects.order_by("id")[0]
    AccessToken.objects.filter(pk=old_token.pk).update(expires=past)
    IDToken.objects.filter(pk=old_token.id_token_id).update(expires=past)

    tasks.clear_expired_tokens()

    assert AccessToken.objects.count() == IDToken.objects.count() == 1
    assert PartyLogin.objects.count() == 2  # the history's, and the codes' record
    assert PartyLogin.objects.filter(access_token=None, id_token=None).count() == 1
    # The code of the first login is still known as used: it comes again, and is refused.
    status, refused = exchange(Client(), party, first)
    assert (status, refused["error"]) == (400, "invalid_grant")
    assert AccessToken.objects.count() == 1  # the second login's, which that code never got
    # The party's logout with the first login's ID token still goes back to it.
    out = Client().get(
        "/oidc/logout/",
        {"id_token_hint": old["id_token"], "post_logout_redirect_uri": LOGGED_OUT_URI},
    )
    assert (out.status_code, out["Location"]) == (302, LOGGED_OUT_URI)
    live = Client().get(
        "/oidc/userinfo/", headers={"Authorization": f"Bearer {new['access_token']}"}
    )
    assert live.status_code == 200
