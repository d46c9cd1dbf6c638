"""SMS and e-mail go out in the citizen's language, not in the language of whoever triggers them."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from authenticators import tasks
from authenticators.models import CodeDevice, Identity
from enrollment import services, state
from enrollment.flow import Channel, Method
from enrollment.models import EnrollmentCase
from messaging.models import Message, OutboxMessage
from pages.support import MITID_SUPPORT
from tests.factories import AppDeviceFactory, IdentityFactory, active_code_device

pytestmark = pytest.mark.django_db

MOBILE, EMAIL = "+4520304050", "karen@example.dk"


def with_contact_details(identity: Identity) -> EnrollmentCase:
    now = timezone.now()
    return EnrollmentCase.objects.create(
        identity=identity,
        channel=Channel.MITID,
        mobile=MOBILE,
        mobile_confirmed_at=now,
        email=EMAIL,
        email_confirmed_at=now,
        expires_at=now + timedelta(days=30),
    )


def sms_in(language: str, template: str, context: dict) -> str:
    with translation.override(language):
        return render_to_string(template, context).strip()


@pytest.fixture
def karen_kl() -> Identity:
    identity = IdentityFactory(user_id="Karen K", language="kl")
    with_contact_details(identity)
    return identity


def test_the_app_notice_is_in_the_identitys_language_whatever_is_active(
    karen_kl: Identity,
) -> None:
    device = AppDeviceFactory(identity=karen_kl, activated_at=timezone.now())
    with translation.override("da"):  # e.g. a worker, or a staff member's request
        tasks.notify_app_activated(device.pk)

    sms = Message.objects.get(channel="sms")
    context = {"device": device, "support_phone": MITID_SUPPORT.phone}
    expected = sms_in("kl", "authenticators/messages/app_activated_sms.txt", context)
    assert sms.body == expected
    assert MITID_SUPPORT.phone in sms.body
    assert expected != sms_in("da", "authenticators/messages/app_activated_sms.txt", context)
    email = Message.objects.get(channel="email")
    with translation.override("kl"):
        subject = render_to_string(
            "authenticators/messages/app_activated_subject.txt", {"device": device}
        ).strip()
    assert email.subject == subject


def test_the_temporary_pin_is_in_the_identitys_language(
    karen_kl: Identity, django_capture_on_commit_callbacks: Callable
) -> None:
    device = AppDeviceFactory(identity=karen_kl, status="pending")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        tasks.send_temporary_pin(device.pk, karen_kl.language)

    body = OutboxMessage.objects.get(recipient=MOBILE).body
    pin = "".join(ch for ch in body if ch.isdigit())[-6:]
    assert body == sms_in("kl", "authenticators/messages/temporary_pin_sms.txt", {"pin": pin})


def test_a_contact_code_goes_out_in_the_language_of_the_page_and_is_remembered(
    demo_people: None, django_capture_on_commit_callbacks: Callable
) -> None:
    case = state.open_case(
        cpr="1505831235", nemid_user_id="Jonas1983", channel=Channel.MITID, language="da"
    ).case
    services.choose_method(case, Method.APP)
    services.accept_terms(case, version="2026-11")
    # The citizen switched to Greenlandic before giving the number.
    with django_capture_on_commit_callbacks(execute=True):
        services.give_contact_details(case, mobile=MOBILE, email="", language="kl")

    body = OutboxMessage.objects.get(recipient=MOBILE).body
    code = re.search(r"\b\d{6}\b", body).group(0)  # type: ignore[union-attr]
    context = {"code": code, "minutes": settings.CONTACT_CODE_MINUTES}
    assert body == sms_in("kl", "enrollment/messages/code_sms.txt", context)
    case.identity.refresh_from_db()
    assert case.identity.language == "kl"  # later notices follow


def test_opening_an_enrollment_records_the_language(demo_people: None) -> None:
    opened = state.open_case(
        cpr="1505831235", nemid_user_id="Jonas1983", channel=Channel.MITID, language="en"
    )
    assert opened.case.identity.language == "en"


def test_logging_in_records_the_language_of_the_login_page(client: Client) -> None:
    device: CodeDevice = active_code_device(IdentityFactory(user_id="Karen K", language="da"))
    client.post("/kl/login/", {"user_id": "Karen K"})
    response = client.post(
        "/kl/login/code-device/",
        {"password": "Karens kodeord 7", "code": device.token.current_code()},
    )

    assert response.status_code == 302
    device.identity.refresh_from_db()
    assert device.identity.language == "kl"


def test_an_unknown_language_is_never_recorded() -> None:
    identity = IdentityFactory(language="da")
    state.remember_language(identity, "xx")
    identity.refresh_from_db()
    assert identity.language == "da"
