"""The only reader and writer of saved enrollment cases: load, open, snapshot, reset."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from authenticators.models import Identity
from authenticators.queries import OneByKey, one
from pages import documents

from . import flow
from .flow import Channel, Method, Step
from .models import EnrollmentCase

LIVE = (EnrollmentCase.Status.OPEN, EnrollmentCase.Status.SUBMITTED)


def expiry_from(now: datetime) -> datetime:
    return now + timedelta(days=settings.ENROLLMENT_CASE_DAYS)


@dataclass(frozen=True)
class Opened:
    case: EnrollmentCase
    resumed: bool
    earlier_expired: bool


def live_case(identity: Identity) -> EnrollmentCase | None:
    """The person's case in progress (at most one: `one_live_enrollment_per_identity`); an
    expired one is closed on the way."""
    return _unexpired(one(identity.cases.filter(status__in=LIVE)))


# Every enrollment step asks for it: its SQL is compiled once a connection.
_live_case_of = OneByKey(
    EnrollmentCase,
    lambda cpr: EnrollmentCase.objects.filter(identity__cpr=cpr, status__in=LIVE).select_related(
        "identity"
    ),
)


def live_case_of(cpr: str) -> EnrollmentCase | None:
    """The same for the person with this CPR number, read with the person in one query."""
    return _unexpired(_live_case_of(cpr))


def _unexpired(case: EnrollmentCase | None) -> EnrollmentCase | None:
    if case is not None and case.expires_at <= timezone.now():
        expire(case)
        return None
    return case


def expire(case: EnrollmentCase) -> None:
    case.status = EnrollmentCase.Status.EXPIRED
    case.save(update_fields=["status", "updated_at"])
    identity = case.identity
    if not identity.is_active:
        # An abandoned enrollment does not keep a user-ID from everyone else.
        identity.user_id = identity.user_id_key = ""
        identity.save(update_fields=["user_id", "user_id_key"])


def expire_due_cases() -> int:
    """Close every live case past its time (the beat schedule; a login closes its own too)."""
    due = EnrollmentCase.objects.filter(status__in=LIVE, expires_at__lte=timezone.now())
    expired = 0
    for case in due.select_related("identity"):
        with transaction.atomic():
            locked = EnrollmentCase.objects.select_for_update().filter(pk=case.pk, status__in=LIVE)
            if locked.exists():
                expire(case)
                expired += 1
    return expired


def remember_language(identity: Identity, language: str) -> None:
    """SMS and e-mail, now and later, go out in the language the citizen last used with us."""
    if language in dict(settings.LANGUAGES) and identity.language != language:
        identity.language = language
        identity.save(update_fields=["language"])


@transaction.atomic
def open_case(*, cpr: str, nemid_user_id: str, channel: Channel, language: str) -> Opened:
    """Resume the person's live case, or start a new one on `channel`."""
    identity, _created = Identity.objects.select_for_update().get_or_create(cpr=cpr)
    remember_language(identity, language)
    had_expired = identity.cases.filter(status__in=LIVE, expires_at__lte=timezone.now()).exists()
    case = live_case(identity)
    if case is not None:
        return Opened(case, resumed=True, earlier_expired=False)
    case = EnrollmentCase.objects.create(
        identity=identity,
        nemid_user_id=nemid_user_id,
        channel=channel,
        expires_at=expiry_from(timezone.now()),
    )
    return Opened(case, resumed=False, earlier_expired=had_expired)


def channel_of(case: EnrollmentCase) -> Channel:
    return Channel(case.channel)


def method_of(case: EnrollmentCase) -> Method | None:
    return Method(case.method) if case.method else None


def facts(case: EnrollmentCase) -> flow.Facts:
    return flow.Facts(
        identity_proven=True,
        started=case.started_at is not None,
        # Terms accepted in an older version are asked for again.
        terms_accepted=case.terms_accepted_at is not None
        and case.terms_version == documents.TERMS.version,
        method=method_of(case),
        contact_method=Method(case.contact_method) if case.contact_method else None,
        user_id_chosen=bool(case.identity.user_id),
        delivery_method=Method(case.delivery_method) if case.delivery_method else None,
        activated=case.identity.is_active,
    )


def reset(case: EnrollmentCase, steps: Iterable[Step]) -> None:
    """Forget the answers of `steps` (the caller saves the case)."""
    for step in steps:
        if step is Step.CONTACT:
            case.contact_method = ""
        elif step is Step.DELIVERY:
            case.delivery_method = ""
