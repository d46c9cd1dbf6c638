"""A page's address in another language (`pages.languages`)."""

import pytest

from pages.languages import page_in


@pytest.mark.parametrize(
    ("path", "language", "expected"),
    [
        ("/da/selfservice/", "en", "/en/selfservice/"),
        ("/en/selfservice/history/?page=2", "kl", "/kl/selfservice/history/?page=2"),
        ("/da/selfservice/", "da", "/da/selfservice/"),  # as it is: nothing resolved again
        ("/oidc/authorize/?client_id=x", "en", "/oidc/authorize/?client_id=x"),
        ("https://bank.example/", "en", "https://bank.example/"),  # not one of ours
        ("//evil.example/", "en", "//evil.example/"),
    ],
)
def test_a_page_in_a_language(path: str, language: str, expected: str) -> None:
    assert page_in(path, language) == expected


def test_a_page_already_in_the_language_is_not_resolved_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page after every login is mostly in the language the login was in: it is taken
    as it is (resolving and reversing it cost a login 0.6 M instructions)."""
    from pages import languages

    def never(*args: object) -> str:
        raise AssertionError("resolved again")

    monkeypatch.setattr(languages, "translate_url", never)
    assert page_in("/da/selfservice/", "da") == "/da/selfservice/"
