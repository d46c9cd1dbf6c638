"""The fragments' cache checks a key as Django's caches do (mitid_portal.caches.FragmentCache)."""

import warnings

import pytest
from django.core.cache import CacheKeyWarning, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.utils import make_template_fragment_key

from mitid_portal.caches import FragmentCache


def test_the_layouts_fragments_are_kept_in_it() -> None:
    assert isinstance(caches["fragments"], FragmentCache)


def test_a_fragments_key_passes_without_a_word() -> None:
    fragments = caches["fragments"]
    key = make_template_fragment_key("brand", ["da", "/da/login/?next=a b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fragments.set(key, "<a>MitID</a>")
        assert fragments.get(key) == "<a>MitID</a>"


@pytest.mark.parametrize("key", ["with space", "tab\there", "del\x7f", "long" * 70])
def test_a_key_memcached_would_refuse_is_warned_of_as_django_does(key: str) -> None:
    params = {"LOCATION": "a test's own"}
    with pytest.warns(CacheKeyWarning) as ours:
        FragmentCache("ours", params).set(key, 1)
    with pytest.warns(CacheKeyWarning) as djangos:
        LocMemCache("djangos", params).set(key, 1)
    assert [str(w.message) for w in ours] == [str(w.message) for w in djangos]
