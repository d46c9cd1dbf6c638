"""Enrollment pages through the test client: steps in order, bad input, resume, public check."""

import re
from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from authenticators.models import Identity
from enrollment.demo import VISIT, seed_offices
from enrollment.models import AppointmentSlot, CodeSend, DeviceOrder, EnrollmentCase, Office
from enrollment.offices import hours_on
from messaging.models import OutboxMessage
from tests.caches import empty_cache

from .conftest import latest_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def jonas(nemid_client: Callable[..., Client]) -> Client:
    client = nemid_client()
    client.get("/en/enrollment/")
    return client


def at_contact_step(client: Client) -> None:
    """The app chosen and the terms accepted: the contact step is due."""
    client.post("/en/enrollment/method/", {"method": "app"})
    client.post("/en/enrollment/terms/", {"accept": "on"})


def to_user_id_step(client: Client, capture) -> None:  # type: ignore[no-untyped-def]
    at_contact_step(client)
    with capture(execute=True):
        client.post("/en/enrollment/contact/", {"mobile": "20304050"})
    client.post(
        "/en/enrollment/contact/confirm/",
        {"channel": "sms", "sms-code": latest_code("+4520304050")},
    )


def karen_at_delivery(nemid_client, method: str, capture) -> Client:  # type: ignore[no-untyped-def]
    """Karen, with a confirmed e-mail and a user-ID, at the delivery step for `method`."""
    client = nemid_client("0203754322", "karen.h")
    client.get("/en/enrollment/")
    client.post("/en/enrollment/method/", {"method": method})
    client.post("/en/enrollment/terms/", {"accept": "on"})
    with capture(execute=True):
        client.post("/en/enrollment/contact/", {"email": "karen@example.dk"})
    client.post(
        "/en/enrollment/contact/confirm/",
        {"channel": "email", "email-code": latest_code("karen@example.dk")},
    )
    client.post("/en/enrollment/user-id/", {"user_id": "Karen Hansen"})
    return client


def test_without_nemid_the_steps_send_the_citizen_to_log_in(client: Client, db: None) -> None:
    response = client.get("/en/enrollment/terms/")
    assert response["Location"].startswith("/en/nemid/login/?next=")


def test_an_unreachable_step_redirects_to_the_step_that_is_due(jonas: Client) -> None:
    response = jonas.get("/en/enrollment/user-id/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/enrollment/method/"
    assert "Finish this step first." in response.content.decode()


def test_a_forged_post_to_a_later_step_changes_nothing(jonas: Client) -> None:
    response = jonas.post("/en/enrollment/user-id/", {"user_id": "Forged.Order"})
    assert response["Location"] == "/en/enrollment/method/"
    assert Identity.objects.get(cpr="1505831235").user_id == ""


def test_terms_not_ticked_gets_an_error_and_a_summary(jonas: Client) -> None:
    jonas.post("/en/enrollment/method/", {"method": "app"})
    html = jonas.post("/en/enrollment/terms/", {}).content.decode()
    assert "Tick the box to show that you have read and understood the terms." in html
    assert 'href="#id_accept"' in html


def test_the_terms_tick_survives_a_change_of_language(jonas: Client) -> None:
    """A walk found the box unticked again after the language buttons (which send the page's
    form to the switch): the tick is no secret, so it is kept as typed fields are."""
    jonas.post("/en/enrollment/method/", {"method": "app"})
    box = re.compile(r'<input[^>]*name="accept"[^>]*>')
    assert "checked" not in box.findall(jonas.get("/da/enrollment/terms/").content.decode())[0]
    switched = jonas.post(
        "/i18n/switch/?next=/da/enrollment/terms/", {"language": "kl", "accept": "on"}
    )
    assert switched["Location"] == "/kl/enrollment/terms/"
    assert "checked" in box.findall(jonas.get("/kl/enrollment/terms/").content.decode())[0]
    # Shown once: a later visit shows the box as it is.
    assert "checked" not in box.findall(jonas.get("/kl/enrollment/terms/").content.decode())[0]


def test_the_method_chosen_survives_a_change_of_language(jonas: Client) -> None:
    """A walk found the choice unticked after the language buttons, as the terms' tick was."""
    checked = re.compile(r'<input[^>]*value="([a-z]+)"[^>]* checked')
    switched = jonas.post(
        "/i18n/switch/?next=/en/enrollment/method/", {"language": "da", "method": "kodeviser"}
    )
    assert switched["Location"] == "/da/enrollment/method/"
    assert checked.findall(jonas.get("/da/enrollment/method/").content.decode()) == ["kodeviser"]


def test_a_forged_method_is_refused(jonas: Client) -> None:
    html = jonas.post("/en/enrollment/method/", {"method": "chip"}).content.decode()
    assert "Choose the app, a code display or a code reader." in html
    assert EnrollmentCase.objects.get().method == ""


def test_the_method_page_shows_the_choice_made_in_each_language(jonas: Client) -> None:
    """The choices are a kept fragment while the form is not sent: by language and the
    method chosen, so coming back shows that choice, and an error still shows the error."""
    checked = re.compile(r'<input type="radio" name="method" value="(\w+)"[^>]*\bchecked\b')
    for chosen in ["", "app", "kodeviser", "kodeoplaeser", "app"]:
        EnrollmentCase.objects.update(method=chosen)
        for language, legend in [
            ("da", "Vælg, hvordan du vil bruge MitID"),
            ("en", "Choose how you want to use MitID"),
            ("kl", "MitID qanoq atorumanerlugu toqqaruk"),
        ]:
            html = jonas.get(f"/{language}/enrollment/method/").content.decode()
            assert checked.findall(html) == ([chosen] if chosen else []), (chosen, language)
            assert f'<legend class="form-label">{legend}</legend>' in html
    EnrollmentCase.objects.update(method="")
    for sent in [{"method": "chip"}, {}]:  # {} is the unchosen page's key, had it one
        html = jonas.post("/en/enrollment/method/", sent).content.decode()
        assert "Choose the app, a code display or a code reader." in html
        assert 'class="form-group form-error"' in html


@pytest.mark.parametrize(
    ("mobile", "message"),
    [
        ("", "The MitID app needs your mobile number."),
        ("12", "That is not a valid phone number."),
        ("not a number", "Type a mobile number, like 12 34 56 78"),
        ("+45 99 99 99 99" * 3, "A phone number has at most 15 digits."),
    ],
)
def test_a_bad_mobile_number_keeps_what_was_typed(jonas: Client, mobile: str, message: str) -> None:
    at_contact_step(jonas)
    html = jonas.post(
        "/en/enrollment/contact/", {"mobile": mobile, "email": "jonas@example"}
    ).content.decode()
    assert message in html
    assert "Type an e-mail address, like name@example.dk." in html
    assert 'value="jonas@example"' in html


def test_a_foreign_number_is_accepted_with_its_country_code(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "+299 55 12 34"})
    assert EnrollmentCase.objects.get().mobile == "+299551234"


def test_a_wrong_code_says_how_many_tries_are_left(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    wrong = "000000" if latest_code("+4520304050") != "000000" else "111111"
    refused = jonas.post("/en/enrollment/contact/confirm/", {"channel": "sms", "sms-code": wrong})
    # A redirect to the page, which says it: a reload or Back never sends the code again.
    assert refused.status_code == 302
    assert refused["Location"] == "/en/enrollment/contact/confirm/?channel=sms"
    html = jonas.get(refused["Location"]).content.decode()
    assert "The code is wrong. You can try 4 more times." in html
    assert '<a href="/en/enrollment/contact/?change=1">Change mobile number</a>' in html
    # Where the code went, but no green "sent" over the red error (a walk).
    assert '<p data-testid="code-sent">We have sent a code to 20 30 40 50.</p>' in html
    # The title says what the page asks, as its heading does (a walk).
    assert "<title>Error: Type the code from the SMS – Contact details" in html
    assert "alert-success" not in html
    reloaded = jonas.get(refused["Location"]).content.decode()
    assert "The code is wrong" not in reloaded, "said once, and no try counted by a reload"
    assert "alert-success" in reloaded
    again = jonas.post(
        "/en/enrollment/contact/confirm/", {"channel": "sms", "sms-code": wrong}, follow=True
    )
    assert "You can try 3 more times." in again.content.decode()


def test_a_code_typed_in_two_groups_is_taken(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    """A code typed "123 456" is the code: the form meant to take the space out, but its length
    limit (and the browser's, cutting it to "123 45") refused it first (a walk)."""
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    page = jonas.get("/en/enrollment/contact/confirm/").content.decode()
    assert 'maxlength="6"' not in page
    code = latest_code("+4520304050")
    confirmed = jonas.post(
        "/en/enrollment/contact/confirm/",
        {"channel": "sms", "sms-code": f"{code[:3]} {code[3:]}"},
    )
    assert confirmed["Location"] == "/en/enrollment/user-id/"


def test_send_again_within_a_minute_is_refused_with_the_wait(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    response = jonas.post(
        "/en/enrollment/contact/confirm/", {"channel": "sms", "action": "resend"}, follow=True
    )
    assert "seconds before asking for a new code" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_send_again_sends_a_new_code_outside_any_test_transaction(jonas: Client) -> None:
    """As served: no transaction around the request. The code's row is locked while the new
    code is made, which PostgreSQL allows only in a transaction (a 500 before). SQLite takes
    no such lock, so only the suite on PostgreSQL (`make test-services`) can see it fail."""
    at_contact_step(jonas)
    jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    first = latest_code("+4520304050")
    CodeSend.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    response = jonas.post(
        "/en/enrollment/contact/confirm/", {"channel": "sms", "action": "resend"}, follow=True
    )
    assert "We have sent a new code." in response.content.decode()
    assert latest_code("+4520304050") != first


def test_a_taken_user_id_gets_three_suggestions_and_keeps_the_wish(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    Identity.objects.create(cpr="0203754322", user_id="Mette", user_id_key="mette")
    to_user_id_step(jonas, django_capture_on_commit_callbacks)
    response = jonas.post("/en/enrollment/user-id/", {"user_id": "METTE"})
    html = response.content.decode()
    assert "Someone else has this user-ID already." in html
    assert 'value="METTE"' in html
    assert len(response.context["suggestions"]) == 3
    assert "0203754322" not in html and "Karen" not in html


def test_poul_is_not_offered_his_cpr_number_as_user_id(
    nemid_client: Callable[..., Client], django_capture_on_commit_callbacks
) -> None:
    client = nemid_client("1107481109", "1107481109")
    client.get("/en/enrollment/")
    to_user_id_step(client, django_capture_on_commit_callbacks)
    html = client.get("/en/enrollment/user-id/").content.decode()
    assert 'value="1107481109"' not in html
    html = client.post("/en/enrollment/user-id/", {"user_id": "1107481109"}).content.decode()
    assert "Your CPR number cannot be your user-ID." in html


def test_live_feedback_answers_htmx_with_a_fragment(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    to_user_id_step(jonas, django_capture_on_commit_callbacks)
    response = jonas.post(
        "/en/enrollment/check-user-id/", {"user_id": "ab"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "A user-ID must have at least 5 characters." in html
    html = jonas.post(
        "/en/enrollment/check-user-id/", {"user_id": "J()nas Jen5en"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "This user-ID meets the rules and is free." in html


def test_after_submitting_the_steps_lead_to_the_receipt_and_a_double_submit_is_harmless(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    client = karen_at_delivery(nemid_client, "kodeoplaeser", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/en/enrollment/delivery/", {"delivery": "post"})
        second = client.post("/en/enrollment/delivery/", {"delivery": "post"})
    assert first["Location"] == second["Location"] == "/en/enrollment/receipt/"
    assert DeviceOrder.objects.count() == 1
    assert client.get("/en/enrollment/terms/")["Location"] == "/en/enrollment/receipt/"
    html = client.get("/en/enrollment/receipt/").content.decode()
    assert "comes by post by" in html and "Søndergade 4" in html


def test_pick_up_without_a_time_is_refused_inline(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    refused = client.post("/en/enrollment/delivery/", {"delivery": "pickup"})
    # A redirect to the page with the choices so far: Back from a receipt sends no form again.
    assert refused["Location"] == "/en/enrollment/delivery/?delivery=pickup"
    html = client.get(refused["Location"]).content.decode()
    assert "Choose where to pick it up." in html
    office = Office.objects.first()
    assert office is not None
    html = client.post(
        "/en/enrollment/delivery/", {"delivery": "pickup", "office": office.pk}, follow=True
    ).content.decode()
    assert "Choose a time to pick it up." in html
    assert re.search(rf'value="{office.pk}"[^>]*checked', html), "the office is kept"
    html = client.post(
        "/en/enrollment/delivery/", {"delivery": "pickup", "slot": "999999"}, follow=True
    ).content.decode()
    assert "That time is no longer free." in html
    assert not DeviceOrder.objects.exists()


def test_the_last_place_taken_meanwhile_is_told_in_the_page_language_with_the_choices_kept(
    nemid_client: Callable[..., Client],
    offices: None,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two citizens book the last place at once: the time was free when the loser's form was
    checked and is full when the booking locks it (tests/services/test_slot_race.py runs the
    race itself on PostgreSQL). The loser is told so, not a 500, with their choices kept."""
    from enrollment.forms import DeviceDeliveryForm

    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    slot = AppointmentSlot.objects.filter(booked=0).first()
    assert slot is not None
    AppointmentSlot.objects.filter(pk=slot.pk).update(capacity=1)
    checked = DeviceDeliveryForm.clean

    def checked_then_booked_by_another(self: DeviceDeliveryForm) -> dict:
        cleaned = checked(self)
        AppointmentSlot.objects.filter(pk=slot.pk).update(booked=1)  # the winner commits
        return cleaned

    monkeypatch.setattr(DeviceDeliveryForm, "clean", checked_then_booked_by_another)
    chosen = {
        "delivery": "pickup",
        "office": slot.office_id,
        "day": timezone.localdate(slot.starts_at).isoformat(),
        "slot": slot.pk,
    }
    html = client.post("/da/enrollment/delivery/", chosen, follow=True).content.decode()
    assert "Den tid er lige blevet optaget. Vælg en anden." in html
    assert re.search(rf'value="{slot.office_id}"[^>]*checked', html), "the office is kept"
    assert re.search(r'value="pickup"[^>]*checked', html), "pick-up is kept"
    assert not DeviceOrder.objects.exists()
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_a_case_is_resumed_after_the_next_nemid_login(
    nemid_client: Callable[..., Client], django_capture_on_commit_callbacks
) -> None:
    client = nemid_client()
    client.get("/en/enrollment/")
    client.post("/en/enrollment/method/", {"method": "app"})
    client.post("/en/enrollment/terms/", {"accept": "on"})

    client.post("/en/nemid/log-out/")
    client = nemid_client()
    html = client.get("/en/enrollment/").content.decode()
    assert "Welcome back" in html
    assert 'href="/en/enrollment/contact/"' in html


def test_an_expired_case_starts_again_with_a_notice(jonas: Client) -> None:
    EnrollmentCase.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    html = jonas.get("/en/enrollment/").content.decode()
    assert "Your earlier enrollment had expired" in html
    assert EnrollmentCase.objects.filter(status="open").count() == 1


def test_someone_whose_mitid_is_active_is_told_so(nemid_client: Callable[..., Client]) -> None:
    Identity.objects.create(
        cpr="1505831235", user_id="Jonas.J", user_id_key="jonas.j", status=Identity.Status.ACTIVE
    )
    html = nemid_client().get("/en/enrollment/").content.decode()
    assert "You already have MitID" in html


def test_the_bank_channel_asks_now_or_later_then_shows_the_terms_first(
    nemid_client: Callable[..., Client],
) -> None:
    client = nemid_client()
    html = client.get("/en/enrollment/bank/").content.decode()
    assert "Now it is your turn to get MitID" in html
    assert "30 more days" in html
    later = client.post("/en/enrollment/bank/", {"choice": "later"}).content.decode()
    assert "Next time you log in, we will ask again." in later
    assert client.post("/en/enrollment/bank/", {"choice": "now"})["Location"] == (
        "/en/enrollment/terms/"
    )
    assert client.get("/en/enrollment/method/")["Location"] == "/en/enrollment/terms/"


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_the_terms_can_be_read_and_downloaded_as_pdf(client: Client, language: str) -> None:
    assert client.get(f"/{language}/enrollment/documents/terms/").status_code == 200
    response = client.get(f"/{language}/enrollment/documents/terms.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="mitid-terms-')
    assert not response.streaming, "one response of its bytes (no warning under ASGI)"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/{language}/enrollment/documents/nothing/").status_code == 404


def test_the_public_check_says_free_or_why_not_and_never_who(client: Client, db: None) -> None:
    empty_cache()
    Identity.objects.create(cpr="0203754322", user_id="KarenH", user_id_key="karenh")
    free = client.post("/en/enrollment/check-user-id/", {"user_id": "Fresh.Idea"})
    assert "This user-ID meets the rules and is free." in free.content.decode()
    taken = client.post("/en/enrollment/check-user-id/", {"user_id": "karenh"}).content.decode()
    assert "Someone else has this user-ID already." in taken
    assert "0203754322" not in taken and "Karen Hansen" not in taken
    bad = client.post("/en/enrollment/check-user-id/", {"user_id": "211788-0967"})
    assert "A user-ID cannot look like a CPR number." in bad.content.decode()
    assert 'value="211788-0967"' in bad.content.decode()


def test_the_public_check_is_rate_limited_per_client(client: Client, db: None, settings) -> None:
    empty_cache()
    settings.USER_ID_CHECKS_PER_WINDOW = 3
    statuses = [
        client.post("/en/enrollment/check-user-id/", {"user_id": f"guess{i}x"}).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post("/en/enrollment/check-user-id/", {"user_id": "guess9x"}).status_code == 200


def test_the_user_id_step_counts_towards_the_clients_checks(
    jonas: Client, django_capture_on_commit_callbacks, settings
) -> None:
    """The step says "taken" as the public check does: a probe's NemID login asked it about
    user-IDs by the thousand, past the check page's limit."""
    to_user_id_step(jonas, django_capture_on_commit_callbacks)
    empty_cache()
    settings.USER_ID_CHECKS_PER_WINDOW = 3
    Identity.objects.create(cpr="0203754322", user_id="KarenH", user_id_key="karenh")
    for _ in range(3):
        answer = jonas.post("/en/enrollment/user-id/", {"user_id": "karenh"})
        assert answer.context["form"].has_error("user_id", "taken")
    answer = jonas.post("/en/enrollment/user-id/", {"user_id": "karenh"})
    html = answer.content.decode()
    assert answer.context["form"].has_error("user_id", "limited")
    assert "Someone else has this user-ID already." not in html
    assert "You have checked many user-IDs in a short time." in html
    assert not answer.context.get("suggestions")
    # Nor a free one: it is not even claimed.
    answer = jonas.post("/en/enrollment/user-id/", {"user_id": "Fresh.Idea"})
    assert answer.context["form"].has_error("user_id", "limited")
    assert Identity.objects.get(cpr="1505831235").user_id == ""
    # The public check page counts the same checks.
    public = jonas.post("/en/enrollment/check-user-id/", {"user_id": "Other.Idea"})
    assert public.status_code == 429


def test_the_user_id_step_serves_while_redis_is_down(
    jonas: Client, django_capture_on_commit_callbacks, redis_down: None
) -> None:
    to_user_id_step(jonas, django_capture_on_commit_callbacks)
    answer = jonas.post("/en/enrollment/user-id/", {"user_id": "Fresh.Idea"})
    assert answer["Location"] == "/en/enrollment/delivery/"


def test_the_error_summary_links_to_the_radio_group(jonas: Client) -> None:
    html = jonas.post("/en/enrollment/method/", {}).content.decode()
    assert 'href="#id_method"' in html
    assert 'fieldset id="id_method"' in html


def test_the_bank_page_sends_a_mitid_dk_case_on_where_it_is(jonas: Client) -> None:
    assert jonas.get("/en/enrollment/bank/")["Location"] == "/en/enrollment/method/"
    assert jonas.post("/en/enrollment/bank/", {"choice": "now"})["Location"] == (
        "/en/enrollment/method/"
    )


def test_send_again_after_confirming_goes_back_to_the_contact_step(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    client = nemid_client("0203754322", "karen.h")
    client.get("/en/enrollment/")
    client.post("/en/enrollment/method/", {"method": "kodeviser"})
    client.post("/en/enrollment/terms/", {"accept": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/enrollment/contact/", {"email": "karen@example.dk"})
    code = latest_code("karen@example.dk")
    client.post("/en/enrollment/contact/confirm/", {"channel": "email", "email-code": code})
    replay = client.post(
        "/en/enrollment/contact/confirm/", {"channel": "email", "action": "resend"}
    )
    assert replay.status_code == 302


def test_a_post_order_never_keeps_a_time_chosen_before(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    from enrollment.models import AppointmentSlot

    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    slot = AppointmentSlot.objects.first()
    assert slot is not None
    client.post("/en/enrollment/delivery/", {"delivery": "post", "slot": str(slot.pk)})
    order = DeviceOrder.objects.get()
    slot.refresh_from_db()
    assert (order.delivery, order.slot, slot.booked) == ("post", None, 0)


def test_after_a_case_expires_a_second_order_of_the_same_device_is_refused(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/enrollment/delivery/", {"delivery": "post"})
    case = EnrollmentCase.objects.get()
    assert case.expires_at > timezone.now() + timedelta(days=40), "it waits for the post"
    EnrollmentCase.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    html = client.post(
        "/en/enrollment/delivery/", {"delivery": "post"}, follow=True
    ).content.decode()
    assert "You have already ordered a device." in html
    assert DeviceOrder.objects.count() == 1


def test_a_typo_in_the_number_can_be_corrected_at_once(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "20304051"})
        response = jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    assert response["Location"] == "/en/enrollment/contact/confirm/"
    assert latest_code("+4520304050")


def test_an_expired_enrollment_gives_its_user_id_back(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    to_user_id_step(jonas, django_capture_on_commit_callbacks)
    jonas.post("/en/enrollment/user-id/", {"user_id": "Popular.Name"})
    EnrollmentCase.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    jonas.get("/en/enrollment/")
    assert Identity.objects.get(cpr="1505831235").user_id == ""


def test_terms_accepted_in_an_older_version_are_asked_for_again(jonas: Client) -> None:
    at_contact_step(jonas)
    EnrollmentCase.objects.update(terms_version="2020-01")
    assert jonas.get("/en/enrollment/contact/")["Location"] == "/en/enrollment/terms/"


def test_htmx_gets_the_rate_limit_notice_with_a_200(client: Client, db: None, settings) -> None:
    empty_cache()
    settings.USER_ID_CHECKS_PER_WINDOW = 1
    client.post("/en/enrollment/check-user-id/", {"user_id": "first.try"}, HTTP_HX_REQUEST="true")
    response = client.post(
        "/en/enrollment/check-user-id/", {"user_id": "second.try"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "You have checked many user-IDs in a short time." in response.content.decode()


def test_the_pages_state_the_code_lifetime_the_settings_give(
    jonas: Client, django_capture_on_commit_callbacks, settings
) -> None:
    settings.CONTACT_CODE_MINUTES = 5
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    assert (
        "The code works for 5 minutes."
        in jonas.get("/en/enrollment/contact/confirm/").content.decode()
    )
    sms = OutboxMessage.objects.get(recipient="+4520304050")
    assert "It works for 5 minutes." in sms.body


def test_resuming_at_the_contact_step_shows_the_code_page_while_a_code_works(
    jonas: Client, django_capture_on_commit_callbacks
) -> None:
    at_contact_step(jonas)
    with django_capture_on_commit_callbacks(execute=True):
        jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    # The citizen leaves and comes back through the start page's "Continue".
    response = jonas.get("/en/enrollment/contact/")
    assert response.status_code == 302
    assert response["Location"] == "/en/enrollment/contact/confirm/"
    # "Change mobile number" still opens the form, with the number given.
    html = jonas.get("/en/enrollment/contact/?change=1").content.decode()
    assert 'value="20304050"' in html
    # Once the code has run out, the contact form it is.
    EnrollmentCase.objects.get().codes.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert jonas.get("/en/enrollment/contact/").status_code == 200


def test_the_e_mail_code_page_says_check_the_address(
    nemid_client: Callable[..., Client], django_capture_on_commit_callbacks
) -> None:
    karen = nemid_client("0203754322", "karen.h")
    karen.get("/en/enrollment/")
    karen.post("/en/enrollment/method/", {"method": "kodeviser"})
    karen.post("/en/enrollment/terms/", {"accept": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        karen.post("/en/enrollment/contact/", {"email": "karen@example.dk"})
    html = karen.get("/en/enrollment/contact/confirm/").content.decode()
    assert "check the address" in html
    assert "check the number" not in html


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("/en/enrollment/method/", "/en/enrollment/"),
        ("/en/enrollment/terms/", "/en/enrollment/method/"),
        ("/en/enrollment/contact/", "/en/enrollment/terms/"),
    ],
)
def test_every_step_has_the_step_indicator_and_a_back_link(
    jonas: Client, path: str, back: str
) -> None:
    at_contact_step(jonas)
    html = jonas.get(path).content.decode()
    assert re.search(
        rf'<a class="back-link" href="{re.escape(back)}"><svg[^>]*>.*?</svg>Back</a>', html
    )
    assert html.count('<ol class="step-indicator">') == 2, "beside the content, and in the dialog"
    assert 'class="step-indicator-item current" aria-current="step"' in html
    assert 'class="step-indicator-button' in html


def test_a_pick_up_time_is_chosen_office_first_then_date_then_time(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    html = client.get("/en/enrollment/delivery/").content.decode()
    # First only the offices, each with its address and opening hours in English.
    assert "Borgerservice Herning" in html and "Borgerservice Aarhus" in html
    assert "Open Monday to Wednesday 10:00–15:00, Thursday 10:00–17:30, Friday 10:00–13:00." in html
    assert 'name="slot"' not in html and 'name="day"' not in html
    herning = Office.objects.get(name="Borgerservice Herning")
    # "Show free dates": the office's days, nothing checked or refused yet, on a page of its
    # own address (Back and reload send no form again), opened at the dates.
    shown = client.post(
        "/en/enrollment/delivery/", {"delivery": "pickup", "office": herning.pk, "narrow": "office"}
    )
    assert (
        shown["Location"] == f"/en/enrollment/delivery/?delivery=pickup&office={herning.pk}#id_day"
    )
    html = client.get(shown["Location"]).content.decode()
    assert 'name="day"' in html and 'name="slot"' not in html
    assert "portal-error-summary" not in html
    first = AppointmentSlot.objects.filter(office=herning).order_by("starts_at").first()
    assert first is not None
    day = timezone.localdate(first.starts_at)
    # "Show free times": the times of that day at that office, no more.
    html = client.post(
        "/en/enrollment/delivery/",
        {"delivery": "pickup", "office": herning.pk, "day": day.isoformat(), "narrow": "day"},
        follow=True,
    ).content.decode()
    same_day = [
        slot
        for slot in AppointmentSlot.objects.filter(office=herning)
        if timezone.localdate(slot.starts_at) == day
    ]
    assert html.count('name="slot"') == len(same_day) > 0  # 5, or 3 on a Friday
    client.post(
        "/en/enrollment/delivery/",
        {"delivery": "pickup", "office": herning.pk, "day": day.isoformat(), "slot": first.pk},
    )
    assert DeviceOrder.objects.get().slot == first


def test_show_free_dates_or_times_before_the_choice_says_what_to_choose(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    """Without JavaScript "Show free dates" with no office chosen showed the same page again,
    without a word (a walk, phone, JavaScript off); now it asks for the office, and "Show free
    times" for the date, in the page's language."""
    client = karen_at_delivery(nemid_client, "kodeviser", django_capture_on_commit_callbacks)
    shown = client.post("/en/enrollment/delivery/", {"delivery": "pickup", "narrow": "office"})
    assert shown["Location"] == "/en/enrollment/delivery/?delivery=pickup"
    html = client.get(shown["Location"]).content.decode()
    assert "portal-error-summary" in html and "Choose where to pick it up." in html
    assert "portal-error-summary" not in client.get(shown["Location"]).content.decode()
    herning = Office.objects.get(name="Borgerservice Herning")
    shown = client.post(
        "/kl/enrollment/delivery/",
        {"delivery": "pickup", "office": herning.pk, "day": "", "narrow": "day"},
    )
    assert shown["Location"] == f"/kl/enrollment/delivery/?delivery=pickup&office={herning.pk}"
    html = client.get(shown["Location"]).content.decode()
    assert "portal-error-summary" in html and 'name="day"' in html
    assert "Ulloq toqqaruk, taava piffissat inuttaqanngitsut takutikkit." in html


def test_opening_hours_are_written_in_the_page_language() -> None:
    from django.utils import translation

    from enrollment.offices import opening_hours

    hours = "mon-wed 10:00-15:00; fri 10:00-13:00"
    with translation.override("da"):
        assert opening_hours(hours) == ["mandag til onsdag 10.00–15.00", "fredag 10.00–13.00"]
    with translation.override("kl"):
        shown = opening_hours(hours)
        assert shown[0].endswith("10:00–15:00") and "Monday" not in shown[0]
    assert opening_hours("Man–fre 10–15") == ["Man–fre 10–15"], "free text stays as it is"
    # An hour that is no hour is text too, not a server error on every page with the office.
    assert opening_hours("mon-fri 10:00-25:00") == ["mon-fri 10:00-25:00"]
    assert hours_on("mon-fri 10:00-25:00", date(2026, 12, 7)) is None


@pytest.mark.django_db
def test_the_demo_offers_times_only_while_an_office_is_open() -> None:
    """Herning closes at 13:00 on Fridays and at weekends: no time then (a walk was offered
    13:00 and 14:00 on a Friday)."""
    seed_offices()
    slots = AppointmentSlot.objects.select_related("office")
    assert slots.exists()
    for slot in slots:
        starts = timezone.localtime(slot.starts_at)
        hours = hours_on(slot.office.opening_hours, starts.date())
        assert hours is not None, slot
        assert hours[0] <= starts.time() and (starts + VISIT).time() <= hours[1], slot
    herning = "mon-wed 10:00-15:00; thu 10:00-17:30; fri 10:00-13:00"
    friday, saturday = date(2026, 12, 11), date(2026, 12, 12)
    assert hours_on(herning, friday) == (time(10, 0), time(13, 0))
    assert hours_on(herning, saturday) is None
