"""The app simulator page: a text for every App API refusal, its phones, the demo passports."""

from typing import Any

import pytest
from django.test import Client

from app_api.errors import APP_ERRORS
from app_api.views import STATUS

pytestmark = pytest.mark.django_db


def test_every_refusal_of_the_app_api_has_a_text_for_the_citizen() -> None:
    assert set(STATUS) - set(APP_ERRORS) == set()


def test_the_refusals_and_the_user_id_rules_are_said_in_the_page_language(client: Client) -> None:
    page = client.get("/da/demo/app/")
    assert page.context["errors"]["chip_signer_untrusted"].startswith("Passets chip er ikke")
    assert page.context["user_id_reasons"]["too_short"] == "Et bruger-ID skal have mindst 5 tegn."
    page = client.get("/kl/demo/app/")
    assert page.context["errors"]["mrz_check_digit"].startswith("Immikkoortumi maskinamit")


def test_the_greenlandic_page_says_user_id_in_greenlandic(client: Client) -> None:
    # The copy's "see here which phone it was" said the Danish "bruger-ID" amid Greenlandic.
    page = client.get("/kl/demo/app/").content.decode()
    assert "bruger-ID" not in page
    assert "atuisup ID-ialu tassani allareerukku" in page


def test_each_phone_keeps_its_own_keys_and_offers_the_next(client: Client) -> None:
    page = client.get("/en/demo/app/?phone=2")
    assert (page.context["phone"], page.context["other_phone"]) == (2, 3)
    assert 'data-phone="2"' in page.content.decode()
    assert client.get("/en/demo/app/?phone=9").context["other_phone"] == 1
    for odd in ("0", "10", "x", "-1"):
        assert client.get(f"/en/demo/app/?phone={odd}").context["phone"] == 1


def test_the_page_lists_the_demo_passports_and_serves_only_them(
    client: Client, demo_passports: dict[str, dict[str, Any]]
) -> None:
    page = client.get("/en/demo/app/")
    assert ("sofie-holm", "Sofie Holm") in page.context["passports"]
    assert ("forged-sofie-holm", "Sofie Holm") in page.context["passports"]
    answer = client.get("/en/demo/app/passports/sofie-holm.json")
    assert answer.json() == demo_passports["sofie-holm"]
    assert "no-cache" in answer["Cache-Control"]
    assert client.get("/en/demo/app/passports/nobody.json").status_code == 404


def test_without_demo_passports_the_page_says_how_to_make_them(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.PASSPORT_DEMO_DIR = str(tmp_path)
    (tmp_path / "notes.json").write_text("[1, 2]")  # not a passport: not listed, not served
    page = client.get("/en/demo/app/")
    assert page.context["passports"] == []
    assert "manage.py seed_demo" in page.content.decode()
    assert client.get("/en/demo/app/passports/notes.json").status_code == 404
