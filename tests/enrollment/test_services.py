"""Enrollment services without HTTP: contact codes, answers, codes and orders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enrollment import codes, services, state
from enrollment.errors import EnrollmentError
from enrollment.flow import Channel, Method, Step
from enrollment.models import (
    AppActivationCode,
    AppointmentSlot,
    CodeSend,
    ContactChannel,
    ContactCode,
    DeviceOrder,
    EnrollmentCase,
    ReservedUserId,
)
from messaging.models import OutboxMessage

from .conftest import latest_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo_people: None) -> EnrollmentCase:
    return state.open_case(
        cpr="1505831235", nemid_user_id="Jonas1983", channel=Channel.MITID, language="da"
    ).case


@pytest.fixture
def with_mobile(case: EnrollmentCase, django_capture_on_commit_callbacks) -> EnrollmentCase:
    services.choose_method(case, Method.APP)
    services.accept_terms(case, version="2026-11")
    with django_capture_on_commit_callbacks(execute=True):
        services.give_contact_details(case, mobile="+4520304050", email="", language="da")
    return case


def refusal(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(EnrollmentError) as refused:
        call(*args, **kwargs)
    return refused.value.code


# Contact codes ---------------------------------------------------------------------------


def test_the_code_arrives_by_sms_in_the_citizens_language_and_is_kept_only_as_a_hash(
    with_mobile: EnrollmentCase,
) -> None:
    message = OutboxMessage.objects.get(recipient="+4520304050")
    code = latest_code("+4520304050")
    assert "Din MitID-kode er" in message.body
    stored = ContactCode.objects.get(case=with_mobile)
    assert code not in str(stored.__dict__)
    services.confirm_code(with_mobile, ContactChannel.SMS, code)
    with_mobile.refresh_from_db()
    assert with_mobile.mobile_confirmed_at is not None


def test_a_code_expires_after_ten_minutes(with_mobile: EnrollmentCase) -> None:
    ContactCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    code = latest_code("+4520304050")
    assert refusal(services.confirm_code, with_mobile, ContactChannel.SMS, code) == ("code_expired")


def test_five_wrong_codes_use_up_the_code(with_mobile: EnrollmentCase, settings) -> None:
    settings.CONTACT_CODE_MAX_ATTEMPTS = 5
    code = latest_code("+4520304050")
    wrong = "000000" if code != "000000" else "111111"
    results = [
        refusal(services.confirm_code, with_mobile, ContactChannel.SMS, wrong) for _ in range(5)
    ]
    assert results == ["wrong_code"] * 4 + ["too_many_attempts"]
    assert refusal(services.confirm_code, with_mobile, ContactChannel.SMS, code) == (
        "too_many_attempts"
    )


def test_a_new_code_replaces_the_old_one_and_resets_the_tries(
    with_mobile: EnrollmentCase, django_capture_on_commit_callbacks
) -> None:
    old = latest_code("+4520304050")
    CodeSend.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    ContactCode.objects.update(failed_attempts=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_code(with_mobile, ContactChannel.SMS, language="da")
    new = latest_code("+4520304050")
    if new != old:
        assert refusal(services.confirm_code, with_mobile, ContactChannel.SMS, old) == (
            "wrong_code"
        )
    services.confirm_code(with_mobile, ContactChannel.SMS, new)


def test_send_again_at_most_once_a_minute(with_mobile: EnrollmentCase) -> None:
    assert refusal(services.send_code, with_mobile, ContactChannel.SMS, language="da") == (
        "resend_too_soon"
    )


def test_send_again_at_most_five_times_an_hour(with_mobile: EnrollmentCase) -> None:
    now = timezone.now()
    CodeSend.objects.all().delete()
    CodeSend.objects.bulk_create(
        CodeSend(case=with_mobile, channel="sms", sent_at=now - timedelta(minutes=10 * i + 2))
        for i in range(5)
    )
    assert refusal(services.send_code, with_mobile, ContactChannel.SMS, language="da") == (
        "too_many_sends"
    )


def test_changing_the_number_sends_a_code_to_the_new_number(
    with_mobile: EnrollmentCase, django_capture_on_commit_callbacks
) -> None:
    CodeSend.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.give_contact_details(with_mobile, mobile="+4521212121", email="", language="en")
    assert ContactCode.objects.get(case=with_mobile).address == "+4521212121"
    services.confirm_code(with_mobile, ContactChannel.SMS, latest_code("+4521212121"))
    with_mobile.refresh_from_db()
    assert with_mobile.mobile == "+4521212121"


def test_the_app_needs_a_confirmed_mobile(
    case: EnrollmentCase, django_capture_on_commit_callbacks
) -> None:
    services.choose_method(case, Method.APP)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_contact_details(case, mobile="", email="jonas@example.dk", language="da")
    services.confirm_code(case, ContactChannel.EMAIL, latest_code("jonas@example.dk"))
    assert refusal(services.complete_contact, case) == "contact_incomplete"


def test_a_code_device_is_content_with_a_confirmed_email(
    case: EnrollmentCase, django_capture_on_commit_callbacks
) -> None:
    services.choose_method(case, Method.CODE_DISPLAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_contact_details(case, mobile="", email="jonas@example.dk", language="da")
    services.confirm_code(case, ContactChannel.EMAIL, latest_code("jonas@example.dk"))
    services.complete_contact(case)
    assert state.facts(case).contact_method is Method.CODE_DISPLAY


# Answers ---------------------------------------------------------------------------------


def test_terms_acceptance_records_version_and_time(case: EnrollmentCase) -> None:
    services.accept_terms(case, version="2026-11")
    case.refresh_from_db()
    assert case.terms_version == "2026-11"
    assert timezone.now() - case.terms_accepted_at < timedelta(seconds=5)


def test_switching_from_app_to_code_display_asks_the_contact_step_again(
    with_mobile: EnrollmentCase,
) -> None:
    services.confirm_code(with_mobile, ContactChannel.SMS, latest_code("+4520304050"))
    services.complete_contact(with_mobile)
    assert state.facts(with_mobile).contact_method is Method.APP

    services.choose_method(with_mobile, Method.CODE_DISPLAY)

    with_mobile.refresh_from_db()
    assert state.facts(with_mobile).contact_method is None
    assert with_mobile.mobile_confirmed_at is not None, "what was confirmed is kept"
    from enrollment import flow

    assert flow.next_step(Channel.MITID, state.facts(with_mobile)) is Step.CONTACT


def test_nemid_user_ids_are_reserved_except_cpr_numbers(demo_people: None) -> None:
    services.reserve_nemid_user_ids()
    assert set(ReservedUserId.objects.values_list("user_id_key", flat=True)) == {
        "jonas1983",
        "karen.h",
    }


# Activation code and orders --------------------------------------------------------------


def test_an_activation_code_works_ten_minutes_and_a_new_one_replaces_it(
    case: EnrollmentCase,
) -> None:
    services.choose_method(case, Method.APP)
    first, code = services.issue_activation_code(case)
    assert first.expires_at - first.created_at == timedelta(minutes=10)
    assert first.code_hash == codes.activation_code_hash(code)
    assert code not in first.code_hash
    second, _code = services.issue_activation_code(case)
    first.refresh_from_db()
    assert not first.is_usable(timezone.now())
    assert second.is_usable(timezone.now())
    assert AppActivationCode.objects.filter(replaced_at__isnull=True).count() == 1


@pytest.fixture
def device_case(case: EnrollmentCase) -> EnrollmentCase:
    services.choose_method(case, Method.CODE_DISPLAY)
    return case


def test_an_order_by_post_goes_to_the_cpr_address(device_case: EnrollmentCase) -> None:
    placed = services.order_device(device_case, delivery="post", slot=None, language="da")
    assert placed.created
    assert placed.order.address == "Jonas Jensen\nVestergade 12, 2. th.\n7400 Herning"
    assert placed.order.status == DeviceOrder.Status.ORDERED


def test_a_second_submit_returns_the_same_order(device_case: EnrollmentCase) -> None:
    first = services.order_device(device_case, delivery="post", slot=None, language="da")
    again = services.order_device(device_case, delivery="post", slot=None, language="da")
    assert not again.created and again.order == first.order
    assert DeviceOrder.objects.count() == 1


def test_pick_up_books_the_time_and_a_full_time_is_refused(
    device_case: EnrollmentCase, offices: None
) -> None:
    slot = AppointmentSlot.objects.first()
    assert slot is not None
    slot.capacity, slot.booked = 1, 1
    slot.save()
    assert (
        refusal(services.order_device, device_case, delivery="pickup", slot=slot, language="da")
        == "slot_taken"
    )
    free = AppointmentSlot.objects.filter(booked=0).first()
    services.order_device(device_case, delivery="pickup", slot=free, language="da")
    free.refresh_from_db()
    assert free.booked == 1


def test_a_case_expires_after_the_configured_days(case: EnrollmentCase, settings) -> None:
    EnrollmentCase.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    opened = state.open_case(
        cpr="1505831235", nemid_user_id="Jonas1983", channel=Channel.MITID, language="da"
    )
    assert opened.earlier_expired
    assert opened.case.pk != case.pk
    assert EnrollmentCase.objects.get(pk=case.pk).status == EnrollmentCase.Status.EXPIRED
