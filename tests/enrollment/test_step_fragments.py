"""A step page's kept parts (`{% cache %}` in step_base.html and the steps' own templates) are
what the page shows when nothing is kept: for each step's number, in each language."""

import re
from collections.abc import Callable

import pytest
from django.core.cache import caches
from django.test import Client

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def page(client: Client, path: str) -> str:
    return TOKENS.sub(r"\1", client.get(path).content.decode())


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_a_step_page_is_the_same_made_or_kept(
    nemid_client: Callable[..., Client], language: str
) -> None:
    jonas = nemid_client()
    jonas.get(f"/{language}/enrollment/")
    method = f"/{language}/enrollment/method/"
    made = page(jonas, method)
    assert page(jonas, method) == made
    jonas.post(method, {"method": "app"})
    terms = f"/{language}/enrollment/terms/"
    terms_kept_parts_made = page(jonas, terms)
    caches["fragments"].clear()
    assert page(jonas, terms) == terms_kept_parts_made
    assert page(jonas, method) != made  # the app chosen: the next step's link, the choice


def test_each_step_shows_its_own_number(nemid_client: Callable[..., Client]) -> None:
    jonas = nemid_client()
    jonas.get("/en/enrollment/")
    method = jonas.get("/en/enrollment/method/").content.decode()
    assert "Step <strong>2</strong> of 7" in method
    assert '<p class="sr-only">Step 2 of 7</p>' in method
    jonas.post("/en/enrollment/method/", {"method": "app"})
    terms = jonas.get("/en/enrollment/terms/").content.decode()
    assert "Step <strong>3</strong> of 7" in terms
    assert '<p class="sr-only">Step 3 of 7</p>' in terms
    assert '<p class="portal-step-counter d-lg-none portal-no-js-only">Step 3 of 7</p>' in terms


def test_the_same_numbers_keep_each_steps_own_way_back(
    nemid_client: Callable[..., Client],
) -> None:
    """The way back is kept with the step's number (one fragment): the third of seven steps
    goes back to the method at MitID.dk and to the terms in the bank."""
    jonas = nemid_client()
    jonas.get("/en/enrollment/")
    jonas.post("/en/enrollment/method/", {"method": "app"})
    terms = jonas.get("/en/enrollment/terms/").content.decode()
    assert '<p class="sr-only">Step 3 of 7</p>' in terms
    assert '<a class="back-link" href="/en/enrollment/method/">' in terms
    karen = nemid_client("0203754322", "karen.h")
    karen.get("/en/enrollment/bank/")
    karen.post("/en/enrollment/bank/", {"choice": "now"})
    karen.post("/en/enrollment/terms/", {"accept": "on"})
    method = karen.get("/en/enrollment/method/").content.decode()
    assert '<p class="sr-only">Step 3 of 7</p>' in method
    assert '<a class="back-link" href="/en/enrollment/terms/">' in method
