"""A row read by a key with its query compiled once a connection (authenticators.queries)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authenticators.models import AppDevice, AppLogin, Identity
from authenticators.queries import OneByKey, compiled, one
from enrollment.models import EnrollmentCase
from tests.factories import AppDeviceFactory, IdentityFactory

pytestmark = pytest.mark.django_db

LIVE = (EnrollmentCase.Status.OPEN, EnrollmentCase.Status.SUBMITTED)


def query(cpr: str):  # type: ignore[no-untyped-def]
    return EnrollmentCase.objects.filter(identity__cpr=cpr, status__in=LIVE).select_related(
        "identity"
    )


def case_of(cpr: str, **fields: object) -> EnrollmentCase:
    identity = Identity.objects.create(cpr=cpr, user_id=f"user-{cpr}")
    return EnrollmentCase.objects.create(
        identity=identity,
        channel="mitid",
        expires_at=timezone.now() + timedelta(days=30),
        started_at=timezone.now(),
        **fields,
    )


def same(kept: EnrollmentCase | None, orm: EnrollmentCase | None) -> None:
    """The same row with the same values, the person's too, as Django's own query reads it."""
    assert (kept is None) == (orm is None)
    if kept is None or orm is None:
        return
    for model, other in ((kept, orm), (kept.identity, orm.identity)):
        assert type(model) is type(other)
        for field in model._meta.concrete_fields:
            assert getattr(model, field.attname) == getattr(other, field.attname), field.name
        assert model._state.db == other._state.db and not model._state.adding


def test_the_row_is_the_one_djangos_query_reads() -> None:
    case_of("0101010101", method="app", mobile="20304050")
    case_of("0202020202", status=EnrollmentCase.Status.SUBMITTED)
    case_of("0303030303", status=EnrollmentCase.Status.EXPIRED)
    kept = OneByKey(EnrollmentCase, query)
    for cpr in ("0101010101", "0202020202", "0303030303", "0404040404", "' OR 1=1 --"):
        for _ in range(2):  # compiled, then kept
            same(kept(cpr), one(query(cpr)))


def test_every_call_reads_the_row_as_it_is_now_with_its_person_in_one_query() -> None:
    case = case_of("0101010101")
    kept = OneByKey(EnrollmentCase, query)
    assert kept("0101010101").method == ""  # type: ignore[union-attr]
    EnrollmentCase.objects.filter(pk=case.pk).update(method="app")
    Identity.objects.filter(pk=case.identity_id).update(user_id="Changed")
    with CaptureQueriesContext(connection) as read:
        now = kept("0101010101")
        assert now is not None and now.method == "app" and now.identity.user_id == "Changed"
    assert len(read) == 1
    EnrollmentCase.objects.filter(pk=case.pk).update(status=EnrollmentCase.Status.EXPIRED)
    assert kept("0101010101") is None


def test_the_query_is_compiled_once_a_connection() -> None:
    case_of("0101010101")
    kept = OneByKey(EnrollmentCase, query)
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as compiled:
        for _ in range(3):
            assert kept("0101010101") is not None
    assert compiled.call_count == 1


def test_a_key_the_database_would_not_get_as_given_is_refused() -> None:
    # Every backend sends a `contains` lookup's key wrapped in wildcards, its own escaped.
    kept = OneByKey(
        EnrollmentCase, lambda cpr: EnrollmentCase.objects.filter(identity__cpr__contains=cpr)
    )
    with pytest.raises(ValueError, match="not a query of models by a key as given"):
        kept("0101010101")


def person_by_cpr(cpr: str):  # type: ignore[no-untyped-def]
    return (
        Identity.objects.select_related("account", "oidc_subject")
        .only("cpr", "status", "created_at", "account__last_login", "oidc_subject__sub")
        .filter(cpr=cpr)
    )


def test_deferred_fields_related_rows_and_converters_are_as_djangos_query_makes_them(
    django_assert_num_queries,
) -> None:  # type: ignore[no-untyped-def]
    identity = IdentityFactory()
    identity.ensure_user()
    identity.account.last_login = timezone.now()
    identity.account.save()
    expected = one(person_by_cpr(identity.cpr))
    assert expected is not None
    with django_assert_num_queries(1):
        read = OneByKey(Identity, person_by_cpr)(identity.cpr)
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


def test_a_key_that_is_no_parameter_of_its_own_is_refused() -> None:
    twice = OneByKey(Identity, lambda key: Identity.objects.filter(Q(cpr=key) | Q(user_id_key=key)))
    with pytest.raises(ValueError, match="not a query of models by a key as given"):
        twice("0101010101")


@pytest.mark.parametrize(
    "query",
    [
        lambda key: Identity.objects.filter(cpr=key).values("cpr"),
        lambda key: Identity.objects.filter(cpr=key).prefetch_related("events"),
        lambda key: Identity.objects.filter(cpr=key).annotate(again=F("cpr")),
    ],
)
def test_what_a_lookup_by_key_would_leave_out_is_refused(query) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="joined only"):
        OneByKey(Identity, query)("0101010101")


TOKEN, KEY_ID = AppLogin._meta.get_field("token"), AppDevice._meta.get_field("key_id")


def scanned_by(token, key_id):  # type: ignore[no-untyped-def]
    return AppLogin.objects.select_related("device__identity").filter(
        token=token, device__key_id=key_id
    )


def test_keys_that_are_uuids_and_more_than_one_key_read_what_djangos_query_reads() -> None:
    phone, other = AppDeviceFactory(), AppDeviceFactory()
    login = AppLogin.objects.create(
        identity=phone.identity,
        device=phone,
        typed_user_id="x",
        service="x",
        text="y",
        expires_at=timezone.now(),
    )
    kept = OneByKey(AppLogin, scanned_by, keys=(TOKEN, KEY_ID))
    for token, key_id in (
        (login.token, phone.key_id),
        (str(login.token), str(phone.key_id)),  # as the field takes them, text too
        (login.token, other.key_id),
        (other.key_id, phone.key_id),
    ):
        expected = one(scanned_by(token, key_id))
        with CaptureQueriesContext(connection) as read:
            found = kept(token, key_id)
        assert (found is None) == (expected is None)
        assert len(read) == 1
        if found is not None and expected is not None:
            assert (found.pk, found.device.pk, found.device.identity.cpr) == (
                expected.pk,
                phone.pk,
                phone.identity.cpr,
            )
    with pytest.raises(TypeError, match="2 keys, not 1"):
        kept(login.token)


def test_a_key_of_another_kind_than_text_or_a_uuid_is_refused() -> None:
    kept = OneByKey(
        AppLogin,
        lambda pk: AppLogin.objects.filter(pk=pk),
        keys=(AppLogin._meta.get_field("id"),),
    )
    with pytest.raises(TypeError, match="text or a UUID"):
        kept(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="SQLite locks whole databases"
)
def test_a_kept_lock_is_refused_outside_a_transaction_as_django_refuses_it() -> None:
    identity = IdentityFactory()
    locked = OneByKey(
        Identity, lambda key: Identity.objects.select_for_update().filter(user_id_key=key)
    )
    with pytest.raises(transaction.TransactionManagementError):
        locked(identity.user_id_key)  # compiling it: Django's own refusal
    with transaction.atomic():
        assert locked(identity.user_id_key) == identity
    with pytest.raises(transaction.TransactionManagementError):
        locked(identity.user_id_key)  # compiled and kept: refused all the same


def test_a_kept_statement_must_take_its_stand_ins_as_its_parameters_in_order() -> None:
    rows = Identity.objects.filter(cpr="stand-in", status="active").query
    assert "SELECT" in compiled(rows, "default", ["stand-in", "active"])
    for wrong in (["active", "stand-in"], ["stand-in"], ["stand-in", "active", "more"]):
        with pytest.raises(ValueError, match="not a statement of these parameters"):
            compiled(rows, "default", wrong)
