"""The session's warning dialog (WCAG 2.2.1): its fixed parts are kept fragments, by language
and by the kind of login the "Log in again" link goes back to."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

TEXTS = {
    "da": ("Har du brug for mere tid?", "Log på igen"),
    "en": ("Do you need more time?", "Log in again"),
    "kl": ("Piffissaq amerlanerusoq pisariaqarpiuk?", "Iseqqigit"),
}


@pytest.mark.parametrize("first", ["mitid", "nemid"])
def test_each_language_and_login_gets_its_own_words_and_way_back(first: str) -> None:
    kinds = ["mitid", "nemid"] if first == "mitid" else ["nemid", "mitid"]
    tokens: set[str] = set()
    for round_ in range(2):  # made, then taken from the fragment cache
        for language, (question, again) in TEXTS.items():
            for kind in kinds:
                with translation.override(language):
                    request = RequestFactory().get(f"/{language}/somewhere/?step={round_}")
                    html = render_to_string(
                        "_partials/session_warning.html",
                        {
                            "LANGUAGE_CODE": language,
                            "holds_login": kind == "mitid" or None,
                            "nemid_proof": kind == "nemid" or None,
                            "session_seconds_left": 321,
                            "session_warning_seconds": 120,
                        },
                        request=request,
                    )
                back = f"/{language}/login/" if kind == "mitid" else f"/{language}/nemid/login/"
                assert question in html and again in html, (language, kind)
                assert f'href="{back}"' in html, (language, kind)
                assert 'data-seconds-left="321"' in html
                assert f'name="next" value="/{language}/somewhere/?step={round_}"' in html
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
                assert token and token.group(1) not in tokens, "each page's own token"
                tokens.add(token.group(1))
