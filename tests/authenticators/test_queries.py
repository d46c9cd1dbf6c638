"""A lookup compiled once a process reads what the queryset it was made from reads."""

import pytest
from django.db.models import F, Q
from django.utils import timezone

from authenticators.models import Identity
from authenticators.queries import Compiled, one
from tests.factories import IdentityFactory

pytestmark = pytest.mark.django_db


def person_by_cpr(cpr: str):  # type: ignore[no-untyped-def]
    return (
        Identity.objects.select_related("account", "oidc_subject")
        .only("cpr", "status", "created_at", "account__last_login", "oidc_subject__sub")
        .filter(cpr=cpr)
    )


BY_CPR = Compiled(Identity, person_by_cpr)


def test_a_compiled_lookup_reads_what_its_queryset_reads(django_assert_num_queries) -> None:
    identity = IdentityFactory()
    identity.ensure_user()
    identity.account.last_login = timezone.now()
    identity.account.save()
    expected = one(person_by_cpr(identity.cpr))
    assert expected is not None
    with django_assert_num_queries(1):
        read = BY_CPR.read(identity.cpr)
    assert read is not None
    with django_assert_num_queries(0):  # the related rows came with it, converted
        assert (read.pk, read.cpr, read.status, read.created_at) == (
            expected.pk,
            expected.cpr,
            expected.status,
            expected.created_at,
        )
        assert read.account.last_login == expected.account.last_login
        assert read.account.last_login is not None
        with pytest.raises(Identity.oidc_subject.RelatedObjectDoesNotExist):
            read.oidc_subject  # noqa: B018 (none yet: known from the join, not asked again)
    assert read.get_deferred_fields() == expected.get_deferred_fields() != set()
    assert read._state.db == expected._state.db and not read._state.adding


def test_a_compiled_lookup_of_an_unknown_key_reads_none() -> None:
    IdentityFactory()
    assert BY_CPR.read("0000000000") is None


def test_a_compiled_lookup_takes_each_call_its_own_key() -> None:
    first, second = IdentityFactory(), IdentityFactory()
    assert BY_CPR.read(first.cpr).pk == first.pk  # type: ignore[union-attr]
    assert BY_CPR.read(second.cpr).pk == second.pk  # type: ignore[union-attr]


def test_a_key_that_is_no_parameter_of_its_own_is_refused() -> None:
    compiled = Compiled(
        Identity, lambda key: Identity.objects.filter(Q(cpr=key) | Q(user_id_key=key))
    )
    with pytest.raises(ValueError, match="one parameter"):
        compiled.read("0101010101")


@pytest.mark.parametrize(
    "query",
    [
        lambda key: Identity.objects.filter(cpr=key).values("cpr"),
        lambda key: Identity.objects.filter(cpr=key).prefetch_related("events"),
        lambda key: Identity.objects.filter(cpr=key).annotate(again=F("cpr")),
    ],
)
def test_what_a_compiled_lookup_would_leave_out_is_refused(query) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="joined only"):
        Compiled(Identity, query).read("0101010101")
