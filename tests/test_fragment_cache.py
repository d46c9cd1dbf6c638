"""The fragments' cache checks a key as Django's caches do (mitid_portal.caches.FragmentCache)."""

import warnings

import pytest
from django.core.cache import CacheKeyWarning, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import SafeString, mark_safe

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


@pytest.mark.parametrize("key", ["plain", "æøå", "no\u00a0break", "zero\u200bwidth", "tab\tin"])
def test_a_key_is_warned_of_exactly_when_django_warns_of_it(key: str) -> None:
    params = {"LOCATION": "a test's own"}
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        FragmentCache("ours", params).set(key, 1)
    with warnings.catch_warnings(record=True) as djangos:
        warnings.simplefilter("always")
        LocMemCache("djangos", params).set(key, 1)
    assert [str(w.message) for w in ours] == [str(w.message) for w in djangos]


def _both(**options: object) -> tuple[LocMemCache, LocMemCache]:
    """Ours and Django's local-memory cache, each with a store of its own and the same options."""
    params = {"OPTIONS": options, "TIMEOUT": 300}
    return FragmentCache(f"ours {options}", params), LocMemCache(f"djangos {options}", params)


VALUES = ["text", mark_safe("<p>kept</p>"), "", 7, b"bytes", ["a", "list"], None, {"a": 1}]


def test_what_it_keeps_and_gives_back_is_what_djangos_does() -> None:
    for cache in _both():
        cache.clear()
    ours, djangos = _both()
    for number, value in enumerate(VALUES):
        for cache in (ours, djangos):
            cache.set(f"k{number}", value)
            cache.add(f"k{number}", "not kept: the key is taken")
            cache.add(f"added{number}", value)
    for number in range(len(VALUES)):
        for key in (f"k{number}", f"added{number}", "missing"):
            got, djangos_got = ours.get(key, "default"), djangos.get(key, "default")
            assert got == djangos_got and type(got) is type(djangos_got), key
    keys = [f"k{number}" for number in range(len(VALUES))]
    assert ours.get_many(keys) == djangos.get_many(keys)
    assert type(ours.get("k1")) is SafeString  # a fragment stays safe to put in a page


def test_a_kept_value_is_not_changed_by_its_callers_changes() -> None:
    ours, _djangos = _both()
    value = ["a", "list"]
    ours.set("list", value)
    value.append("changed")
    got = ours.get("list")
    got.append("changed too")
    assert ours.get("list") == ["a", "list"]


def test_text_runs_out_and_makes_room_as_in_djangos() -> None:
    ours, djangos = _both(MAX_ENTRIES=4, CULL_FREQUENCY=2)
    for cache in (ours, djangos):
        cache.clear()
        cache.set("gone", "text", timeout=-1)  # expired at once
        cache.set("kept", mark_safe("<b>kept</b>"), timeout=None)
        for number in range(6):
            cache.set(f"k{number}", f"text {number}")
            cache.get("kept")  # the most recently used stays when room is made
    for key in ["gone", "kept", *(f"k{number}" for number in range(6))]:
        assert (ours.get(key), ours.has_key(key)) == (djangos.get(key), djangos.has_key(key)), key
    assert ours.touch("kept", 10) == djangos.touch("kept", 10)
    assert ours.delete("kept") == djangos.delete("kept")
    assert ours.get("kept") is None
