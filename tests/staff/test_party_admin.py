"""A relying party's client in the staff admin."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from relying_parties import services

from .helpers import english_client, log_in_staff

pytestmark = pytest.mark.django_db


def test_a_party_s_client_has_no_view_on_site(superuser: User) -> None:
    # The client's own page is django-oauth-toolkit's, whose URLs the portal does not serve:
    # the admin's "View on site" led to a 500.
    application = services.register_party(
        name="Nordbank", redirect_uris=["https://bank.example/callback"], scopes=["openid"]
    ).party.application
    client = log_in_staff(english_client(), superuser)
    page = client.get(f"/admin/oauth2_provider/application/{application.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_absolute_url"] is False
    content_type = ContentType.objects.get_for_model(application)
    assert f"/admin/r/{content_type.pk}/{application.pk}/" not in page.content.decode()


def test_the_view_on_site_address_of_a_party_s_client_is_not_found(superuser: User) -> None:
    application = services.register_party(
        name="Nordbank", redirect_uris=["https://bank.example/callback"], scopes=["openid"]
    ).party.application
    content_type = ContentType.objects.get_for_model(application)
    client = log_in_staff(english_client(), superuser)
    assert client.get(f"/admin/r/{content_type.pk}/{application.pk}/").status_code == 404
    assert client.get(f"/admin/r/x/{application.pk}/").status_code == 404
