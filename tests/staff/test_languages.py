"""The admin's language: staff choose it on every page and on the login page."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from .helpers import english_client, log_in_staff

pytestmark = pytest.mark.django_db


def test_the_login_page_offers_the_three_languages() -> None:
    html = english_client().get("/admin/login/?next=/admin/").content.decode()
    assert '<strong lang="en" aria-current="true">English</strong>' in html
    assert 'name="language" value="da" lang="da">Dansk</button>' in html
    assert 'name="language" value="kl" lang="kl">Kalaallisut</button>' in html
    assert 'action="/i18n/switch/?next=/admin/login/%3Fnext%3D/admin/"' in html


def test_a_clerk_in_nuuk_chooses_greenlandic_and_the_admin_follows(
    borgerservice: User,
) -> None:
    staff = log_in_staff(english_client(), borgerservice)
    page = "/admin/authenticators/identity/?q=jonas"
    html = staff.get(page).content.decode()
    assert 'name="language" value="kl" lang="kl">Kalaallisut</button>' in html

    answer = staff.post(
        "/i18n/switch/?next=/admin/authenticators/identity/%3Fq%3Djonas", {"language": "kl"}
    )

    assert answer.status_code == 302 and answer["Location"] == page
    assert staff.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kl"
    html = staff.get(page).content.decode()
    assert '<html lang="kl"' in html
    assert "MitID-mi sulisut" in html  # the portal's own words in Greenlandic
    # Django's admin has no Greenlandic: its words are Danish, a Nuuk clerk's second
    # language, not English.
    assert "Skift adgangskode" in html and "Change password" not in html


def test_the_login_page_follows_the_choice_before_anyone_logs_in() -> None:
    client = Client()
    client.post("/i18n/switch/?next=/admin/login/", {"language": "kl"})
    html = client.get("/admin/login/").content.decode()
    assert '<strong lang="kl" aria-current="true">Kalaallisut</strong>' in html
    assert "Isissutissaq" in html  # Password
