"""MitID at the Borgerservice desk: the staff's pages and the service behind them."""

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from activation import desk as desk_service
from activation import tasks as activation_tasks
from activation.models import DeskCodeSend, DeskEnrollment
from activation.services import start_app_activation
from audit.models import AuditEntry
from authenticators import app_keys
from authenticators.models import (
    AppDevice,
    AuthenticatorEvent,
    CodeDevice,
    HardwareToken,
    Identity,
)
from authenticators.services import Refused
from authenticators.stock import fill_stock
from messaging.models import Message, OutboxMessage
from tests.factories import IdentityFactory, active_code_device

from .helpers import log_in_staff

pytestmark = pytest.mark.django_db

ADD = "/admin/activation/deskenrollment/add/"
SOFIE = "0804044128"
KL_PASSWORD_AGAIN = "Isissutissaq allaqqiguk."  # "Type the password again."


@pytest.fixture
def register(demo_passports: object) -> None:
    fill_stock(code_displays=2, code_readers=1)


def sms_code(to: str = "+4520304050") -> str:
    message = OutboxMessage.objects.filter(recipient=to).first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def step(client: Client, url: str, **data: str) -> str:
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    return url


def test_staff_create_mitid_with_a_code_device_the_citizen_activates_at_the_desk(
    desk: Client, register: None, django_capture_on_commit_callbacks
) -> None:
    response = desk.post(
        ADD,
        {"cpr": "080404-4128", "document": "passport", "last4": "4081", "checked_for_high": "on"},
    )
    assert response.status_code == 302
    url = response["Location"]
    case = DeskEnrollment.objects.get()
    assert (case.name, case.level) == ("Sofie Holm", "high")
    taken = IdentityFactory(user_id="Sofie H")
    answer = desk.post(url, {"user_id": "sofie h"})
    assert "Someone else has this user-ID already." in answer.content.decode()
    assert AuditEntry.objects.filter(action="desk_refused", reason="user_id_taken").exists()
    taken.delete()
    assert desk.post(url, {"user_id": "Sofie H"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"channel": "sms", "address": "20 30 40 50"})
    wrong = desk.post(url, {"code": "000000"})  # told on the page it redirects to
    assert (wrong.status_code, wrong["Location"]) == (302, url)
    desk.post(url, {"code": sms_code()})
    assert desk.post(url, {"method": "kodeviser"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "password" and case.serial
    token = HardwareToken.objects.get(serial=case.serial)
    screen = f"/admin/activation/deskenrollment/{case.pk}/screen/"
    # In the citizen's language (their MitID's: Danish), whatever the staff member's is.
    page = desk.get(screen).content.decode()
    assert '<html lang="da"' in page and "Medarbejderen kan ikke se, hvad du skriver" in page
    page = desk.get(f"{screen}?language=en").content.decode()  # the citizen picked English
    assert '<html lang="en"' in page and "cannot see what you type" in page
    assert '<strong lang="en" aria-current="true">English</strong>' in page
    assert 'href="?language=kl" lang="kl" hreflang="kl">Kalaallisut</a>' in page
    missing = desk.post(f"{screen}?language=kl", {"password1": "Sofies kodeord 7"})
    assert '<html lang="kl"' in missing.content.decode() and missing["Content-Language"] == "kl"
    assert KL_PASSWORD_AGAIN in missing.content.decode()  # its errors in Greenlandic too
    assert "Imaanut ingerlaarit" in missing.content.decode()  # the admin's skip link too
    assert 'lang="da" hreflang="da">Dansk</a>' in missing.content.decode()
    # Turned to the citizen: none of the staff's navigation, only the form.
    assert 'id="user-tools"' not in page and 'id="nav-sidebar"' not in page
    assert 'class="breadcrumbs"' not in page
    assert 'href="/admin/"' not in page, "no way from the citizen's screen into the admin"
    assert case.serial not in page, "the staff's message (hand over the device) waits for them"
    staff_page = desk.get(url).content.decode()
    assert 'id="user-tools"' in staff_page
    danish = desk.get(url, headers={"accept-language": "da"}).content.decode()
    assert "<dt>Forevist ID-dokument</dt>" in danish  # capitalised as the other headings
    assert f"Hand over the device with serial number {case.serial}." in staff_page
    done = desk.post(
        f"{screen}?language=kl",
        {
            "password1": "Sofies kodeord 7",
            "password2": "Sofies kodeord 7",
            "code": token.current_code(),
        },
    )
    assert done.status_code == 302
    # Turned back: the staff's page, in the staff's language.
    back = desk.get(done["Location"]).content.decode()
    assert "The MitID is active. Turn the screen back." in back
    identity = Identity.objects.get(cpr=SOFIE)
    assert (identity.status, identity.level, identity.user_id) == ("active", "high", "Sofie H")
    assert identity.language == "kl"  # the screen's, for her notices from now on
    device = CodeDevice.objects.get(identity=identity)
    assert (device.status, device.level) == ("active", "high")
    assert identity.account is not None and identity.account.check_password("Sofies kodeord 7")
    created = AuditEntry.objects.get(action="desk_created", identity=identity)
    # Written in the staff's language (English here), not the screen's Greenlandic.
    assert created.target == f"MitID code display {case.serial}", created.target
    assert AuthenticatorEvent.objects.filter(
        identity=identity, detail__startswith="borgerservice"
    ).exists()
    # The password never reaches the staff's pages or the audit log.
    assert not AuditEntry.objects.filter(detail__contains="kodeord").exists()


def test_someone_with_a_code_device_is_told_so_from_the_first_step_and_offered_the_app(
    desk: Client, register: None, django_capture_on_commit_callbacks
) -> None:
    sofie = IdentityFactory(cpr=SOFIE, user_id="Sofie H")
    held = active_code_device(sofie)
    url = desk.post(ADD, {"cpr": SOFIE, "document": "passport", "last4": "4081"})["Location"]
    said = f"This person has an active MitID code display {held.token.serial} already"
    first = desk.get(url).content.decode()
    assert said in first, "before the user-ID and the contact"
    assert "<dd>Passport …4081</dd>" in first  # the document seen, by its name
    desk.post(url, {"user_id": "Sofie H"})
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"channel": "sms", "address": "20 30 40 50"})
    desk.post(url, {"code": sms_code()})
    page = desk.get(url).content.decode()
    assert said in page
    assert 'value="app"' in page and 'value="kodeviser"' not in page
    # A crafted POST for a code device anyway is refused, as before, and nothing handed out.
    refused = desk.post(url, {"method": "kodeviser"}).content.decode()
    assert "Select a valid choice" in refused
    assert not HardwareToken.objects.filter(assigned_to=sofie).exclude(pk=held.token.pk).exists()
    given = desk.post(url, {"method": "app"})
    assert (given.status_code, given["Location"]) == (302, url)  # shown after a redirect
    answer = desk.get(url).content.decode()
    assert re.search(r"<strong>[A-Z2-9]{4}-[A-Z2-9]{4}</strong>", answer)
    assert "The activation code works for 10 minutes" in answer  # how long the citizen has


def test_an_app_activation_code_at_the_desk(
    borgerservice: User, register: None, django_capture_on_commit_callbacks
) -> None:
    case = desk_service.start(
        by=borgerservice, cpr=SOFIE, document="residence_card", last4="1234", checked_for_high=True
    )
    assert case.level == "substantial"  # a residence card does not give High
    desk_service.choose_user_id(desk=case, user_id="Sofie H", by=borgerservice)
    with django_capture_on_commit_callbacks(execute=True):
        desk_service.send_code(
            desk=case, channel="email", address="sofie@example.dk", by=borgerservice
        )
    message = OutboxMessage.objects.get(recipient="sofie@example.dk")
    code = re.search(r"\b(\d{6})\b", message.body).group(1)  # type: ignore[union-attr]
    desk_service.confirm_code(desk=case, code=code, by=borgerservice)
    case, activation_code = desk_service.give_app_code(desk=case, by=borgerservice)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", activation_code)
    assert Identity.objects.get(cpr=SOFIE).user_id == "Sofie H"


@pytest.mark.parametrize(
    ("document", "level"), [("passport", "high"), ("residence_card", "substantial")]
)
def test_the_app_the_desks_code_activates_is_at_the_level_the_desk_checked(
    borgerservice: User,
    register: None,
    django_capture_on_commit_callbacks: Any,
    document: str,
    level: str,
) -> None:
    """A code handed out after an in-person check for High makes an app at High, as a code
    device set up there is: a walk logged in at Substantial after the check for High."""
    case = desk_service.start(
        by=borgerservice, cpr=SOFIE, document=document, last4="4081", checked_for_high=True
    )
    desk_service.choose_user_id(desk=case, user_id="Sofie H", by=borgerservice)
    with django_capture_on_commit_callbacks(execute=True):
        desk_service.send_code(desk=case, channel="sms", address="+4520304050", by=borgerservice)
    sent = OutboxMessage.objects.get(recipient="+4520304050").body
    desk_service.confirm_code(desk=case, code=re.findall(r"\b\d{6}\b", sent)[0], by=borgerservice)
    _case, activation_code = desk_service.give_app_code(desk=case, by=borgerservice)
    device = activate_app(activation_code)
    assert (device.level, Identity.objects.get(cpr=SOFIE).level) == (level, level)


@pytest.mark.parametrize(
    ("user_id", "reason"),
    [("080404-4128", "cpr_number"), ("abc", "too_short"), (" Sofie", "edge_space")],
)
def test_a_user_id_that_breaks_the_rules_at_the_desk_is_refused_and_audited(
    borgerservice: User, register: None, user_id: str, reason: str
) -> None:
    case = desk_service.start(
        by=borgerservice, cpr=SOFIE, document="passport", last4="4081", checked_for_high=False
    )
    with pytest.raises(desk_service.DeskRefused) as refused:
        desk_service.choose_user_id(desk=case, user_id=user_id, by=borgerservice)
    assert refused.value.code == "user_id_invalid"
    entry = AuditEntry.objects.get(action="desk_refused")
    assert reason in entry.detail and entry.actor == borgerservice
    assert not Identity.objects.filter(cpr=SOFIE).exists()


def test_unknown_people_and_missing_id_checks_are_refused_and_audited(
    borgerservice: User, register: None
) -> None:
    for cpr, last4, code in (
        ("0101011234", "1234", "person_not_found"),
        (SOFIE, "12", "id_check_missing"),
    ):
        with pytest.raises(desk_service.DeskRefused) as refused:
            desk_service.start(
                by=borgerservice, cpr=cpr, document="passport", last4=last4, checked_for_high=False
            )
        assert refused.value.code == code
    assert AuditEntry.objects.filter(action="desk_refused").count() == 2
    assert not DeskEnrollment.objects.exists()


def test_support_may_not_create_mitid_at_the_desk(phone_support: Client) -> None:
    assert phone_support.get(ADD).status_code == 403


# Sending the code again: as often as enrollment sends one, per case and per address ----------


def at_contact_step(by: User, cpr: str = SOFIE, user_id: str = "Sofie H") -> DeskEnrollment:
    case = desk_service.start(
        by=by, cpr=cpr, document="passport", last4="4081", checked_for_high=False
    )
    return desk_service.choose_user_id(desk=case, user_id=user_id, by=by)


def send(case: DeskEnrollment, by: User, address: str = "20 30 40 50") -> DeskEnrollment:
    return desk_service.send_code(desk=case, channel="sms", address=address, by=by)


def test_a_code_sent_again_within_a_minute_is_refused_audited_and_the_first_still_works(
    borgerservice: User, register: None, django_capture_on_commit_callbacks
) -> None:
    case = at_contact_step(borgerservice)
    with django_capture_on_commit_callbacks(execute=True):
        send(case, borgerservice)
    first = sms_code()
    with pytest.raises(desk_service.DeskRefused) as refused:
        send(case, borgerservice)
    assert refused.value.code == "resend_too_soon"
    assert 55 <= refused.value.details["seconds"] <= 60  # type: ignore[operator]
    entry = AuditEntry.objects.get(action="desk_refused", reason="resend_too_soon")
    assert entry.actor == borgerservice and entry.target == "Sofie Holm"
    assert OutboxMessage.objects.filter(recipient="+4520304050").count() == 1
    desk_service.confirm_code(desk=case, code=first, by=borgerservice)
    case.refresh_from_db()
    assert case.state == "method"


def test_the_codes_of_an_hour_are_counted_for_the_case_and_for_the_address(
    borgerservice: User, register: None, settings
) -> None:
    settings.CONTACT_CODE_RESEND_SECONDS = 0
    settings.CONTACT_CODE_SENDS_PER_HOUR = 2
    case = at_contact_step(borgerservice)
    send(case, borgerservice)
    send(case, borgerservice, address="20 30 40 51")
    with pytest.raises(desk_service.DeskRefused) as refused:
        send(case, borgerservice, address="20 30 40 52")  # a third number: the case's limit
    assert refused.value.code == "too_many_sends"
    # A new case does not start the count again for a number the codes went to.
    other = at_contact_step(borgerservice, cpr="0203754322", user_id="Karen K")
    send(other, borgerservice)
    with pytest.raises(desk_service.DeskRefused) as refused:
        send(other, borgerservice)
    assert refused.value.code == "too_many_sends"
    assert AuditEntry.objects.filter(action="desk_refused", reason="too_many_sends").count() == 2
    assert Message.objects.filter(channel="sms").count() == 3  # queued in the outbox


def test_staff_read_how_long_to_wait_and_keep_what_they_typed(
    desk: Client, borgerservice: User, register: None
) -> None:
    case = at_contact_step(borgerservice)
    url = f"/admin/activation/deskenrollment/{case.pk}/desk/"
    assert desk.post(url, {"channel": "sms", "address": "20 30 40 50"}).status_code == 302
    page = desk.get(url).content.decode()
    assert "The code the citizen reads out" in page
    again = desk.get(f"{url}?send=again").content.decode()
    assert 'value="+4520304050"' in again, "the address the last code went to"
    refused = desk.post(f"{url}?send=again", {"channel": "sms", "address": "20 30 40 50"})
    assert refused.status_code == 200
    words = re.search(r"wait (\d+) seconds before sending another", refused.content.decode())
    assert words is not None and 55 <= int(words.group(1)) <= 60
    assert 'value="20 30 40 50"' in refused.content.decode()
    case.refresh_from_db()
    assert case.code_hash, "the code sent before still works"


def test_the_record_of_codes_sent_is_deleted_after_the_retention(
    borgerservice: User, register: None, settings
) -> None:
    case = at_contact_step(borgerservice)
    send(case, borgerservice)
    DeskCodeSend.objects.update(
        sent_at=timezone.now() - timedelta(days=settings.LOGIN_RETENTION_DAYS, seconds=1)
    )
    send(case, borgerservice, address="20 30 40 51")
    assert activation_tasks.clean_up()["desk_code_sends"] == 1
    assert DeskCodeSend.objects.get().address == "+4520304051"


def test_a_step_out_of_order_is_refused_and_audited(borgerservice: User, register: None) -> None:
    """Refused inside the step's transaction, audited after it: the entry is not rolled back."""
    case = at_contact_step(borgerservice)
    with pytest.raises(desk_service.DeskRefused) as refused:
        desk_service.hand_out_code_device(desk=case, kind="kodeviser", by=borgerservice)
    assert refused.value.code == "wrong_step"
    entry = AuditEntry.objects.get(action="desk_refused", reason="wrong_step")
    assert entry.actor == borgerservice and entry.target == "Sofie Holm"


def test_a_wrong_code_at_the_desk_is_told_after_a_redirect_and_a_reload_sends_nothing(
    desk: Client, register: None, django_capture_on_commit_callbacks
) -> None:
    """Reloading the page that said "The code is wrong." sent the code again, one more wrong
    try of the five (a walk in Danish, desktop)."""
    url = desk.post(ADD, {"cpr": "080404-4128", "document": "passport", "last4": "4081"})[
        "Location"
    ]
    desk.post(url, {"user_id": "Sofie H"})
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"channel": "sms", "address": "20 30 40 50"})
    answer = desk.post(url, {"code": "000000"})
    assert (answer.status_code, answer["Location"]) == (302, url)
    page = desk.get(url).content.decode()
    assert "The code is wrong." in page
    assert "The code is wrong." not in desk.get(url).content.decode(), "said once"
    assert DeskEnrollment.objects.get().failed_attempts == 1
    assert desk.post(url, {"code": sms_code()}).status_code == 302
    assert DeskEnrollment.objects.get().state == "method"


# A new app activation code for a citizen who did not note the first -----------------------

APP_CODE = re.compile(r"<strong>([A-Z2-9]{4}-[A-Z2-9]{4})</strong>")
NEW_CODE_BUTTON = 'value="Give a new activation code"'


def at_method_step(by: User, django_capture_on_commit_callbacks: Any) -> DeskEnrollment:
    case = at_contact_step(by)
    with django_capture_on_commit_callbacks(execute=True):
        send(case, by)
    return desk_service.confirm_code(desk=case, code=sms_code(), by=by)


def activate_app(code: str) -> AppDevice:
    """Sofie's phone activates the app with the code the desk gave."""
    key = app_keys.new_private_key()
    return start_app_activation(
        user_id="Sofie H",
        activation_code=code,
        public_key=app_keys.public_key_to_b64(key.public_key()),
        installation_id=str(uuid.uuid4()),
        name="Sofie's phone",
        client="192.0.2.1",
    )


def test_a_new_app_activation_code_replaces_the_first_and_is_shown_once_after_a_redirect(
    desk: Client, borgerservice: User, register: None, django_capture_on_commit_callbacks
) -> None:
    """After a reload the case said only "MitID created": a citizen who had not noted the code
    was stuck (a walk at the desk)."""
    case = at_method_step(borgerservice, django_capture_on_commit_callbacks)
    url = f"/admin/activation/deskenrollment/{case.pk}/desk/"
    assert desk.post(url, {"method": "app"})["Location"] == url
    first = APP_CODE.search(desk.get(url).content.decode())
    assert first is not None
    reloaded = desk.get(url).content.decode()
    assert first.group(1) not in reloaded and not APP_CODE.search(reloaded), "shown once"
    assert NEW_CODE_BUTTON in reloaded and 'name="csrfmiddlewaretoken"' in reloaded
    new_url = f"/admin/activation/deskenrollment/{case.pk}/new-app-code/"
    assert desk.get(new_url).status_code == 405, "a POST only"
    given = desk.post(new_url)
    assert (given.status_code, given["Location"]) == (302, url)
    page = desk.get(url).content.decode()
    second = APP_CODE.search(page)
    assert second is not None and second.group(1) != first.group(1)
    assert "Here is a new activation code. The old one no longer works." in page
    again = desk.get(url).content.decode()
    assert not APP_CODE.search(again), "a reload neither shows it again nor makes another"
    case.refresh_from_db()
    assert case.app_codes == 2
    entry = AuditEntry.objects.get(action="desk_new_app_code")
    assert (entry.actor, entry.identity, entry.reason) == (
        borgerservice,
        case.identity,
        "substantial",
    )
    assert entry.detail == "passport …4081"
    with pytest.raises(Refused):
        activate_app(first.group(1))  # the old code stops working
    activate_app(second.group(1))
    # Once the app is activated, no new code: the page says why.
    done = desk.get(url).content.decode()
    assert NEW_CODE_BUTTON not in done
    assert "The MitID app is activated already: the code was used." in done
    desk.post(new_url)
    refused = desk.get(url).content.decode()
    assert "The MitID app is activated already" in refused and not APP_CODE.search(refused)
    assert AuditEntry.objects.filter(action="desk_refused", reason="app_activated").exists()


def test_a_new_app_code_asks_for_the_desks_permission_and_a_csrf_token(
    phone_support: Client,
    desk: Client,
    borgerservice: User,
    register: None,
    django_capture_on_commit_callbacks,
) -> None:
    case = at_method_step(borgerservice, django_capture_on_commit_callbacks)
    desk_service.give_app_code(desk=case, by=borgerservice)
    new_url = f"/admin/activation/deskenrollment/{case.pk}/new-app-code/"
    assert phone_support.post(new_url).status_code == 403
    desk.handler.enforce_csrf_checks = True  # type: ignore[attr-defined]
    assert desk.post(new_url).status_code == 403
    case.refresh_from_db()
    assert case.app_codes == 1 and not AuditEntry.objects.filter(action="desk_new_app_code")


def test_a_case_gives_a_few_app_codes_soon_after_the_id_check_then_a_new_case_is_needed(
    borgerservice: User, register: None, settings, django_capture_on_commit_callbacks
) -> None:
    settings.DESK_APP_CODES_PER_CASE = 3
    case = at_method_step(borgerservice, django_capture_on_commit_callbacks)
    case, code = desk_service.give_app_code(desk=case, by=borgerservice)
    codes = {code}
    for _ in range(2):
        case, code = desk_service.give_new_app_code(desk=case, by=borgerservice)
        codes.add(code)
    assert len(codes) == 3
    with pytest.raises(desk_service.DeskRefused) as refused:
        desk_service.give_new_app_code(desk=case, by=borgerservice)
    assert refused.value.code == "too_many_app_codes"
    assert AuditEntry.objects.filter(action="desk_new_app_code").count() == 2
    entry = AuditEntry.objects.get(action="desk_refused", reason="too_many_app_codes")
    assert entry.actor == borgerservice and entry.target == "Sofie Holm"
    # A case of yesterday's visit gives no new code: a new case looks at the document again.
    settings.DESK_APP_CODES_PER_CASE = 5
    DeskEnrollment.objects.filter(pk=case.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.DESK_NEW_APP_CODE_HOURS, minutes=1)
    )
    with pytest.raises(desk_service.DeskRefused) as refused:
        desk_service.give_new_app_code(desk=case, by=borgerservice)
    assert refused.value.code == "case_too_old"


def test_only_a_case_that_gave_an_app_code_gives_a_new_one(
    borgerservice: User, register: None, django_capture_on_commit_callbacks
) -> None:
    at_method = at_method_step(borgerservice, django_capture_on_commit_callbacks)
    handed_out = desk_service.hand_out_code_device(
        desk=at_method, kind="kodeviser", by=borgerservice
    )
    for case in (at_method, handed_out):
        with pytest.raises(desk_service.DeskRefused) as refused:
            desk_service.give_new_app_code(desk=case, by=borgerservice)
        assert refused.value.code == "no_app_code"
    assert not Identity.objects.get(cpr=SOFIE).activation_codes.exists()


# The desk's forms, laid out and summed up as the admin's other forms ------------------------


def test_missing_fields_at_the_desk_are_summed_up_at_the_top_as_in_the_rest_of_the_admin(
    desk: Client, register: None
) -> None:
    """The desk's first form said nothing at the top when fields were missing, only beside
    them, and its document's radio buttons sat under their label (a walk at the desk)."""
    page = desk.post(ADD, {"cpr": "080404-4128"}).content.decode()
    summary = page.index('<p class="errornote" role="alert">')
    assert "Please correct the errors below." in page[summary:]
    assert summary < page.index('name="cpr"'), "at the top, above the fields"
    # The radio buttons in a fieldset whose legend takes the label's column, as the staff's
    # action forms lay out theirs; the checkbox before its label, as the admin does.
    assert '<fieldset class="staff-choice">' in page and "<legend" in page
    assert 'class="flex-container checkbox-row"' in page
    assert page.count('class="flex-container') == 4
    assert "staff/action-form" in page  # the layout's stylesheet
    danish = desk.post(ADD, {"cpr": "080404-4128"}, headers={"accept-language": "da"})
    assert "Ret venligst fejlene herunder." in danish.content.decode()
    kl = desk.post(ADD, {"cpr": ""}, headers={"accept-language": "kl"}).content.decode()
    assert "Kukkunerit ataaniittut iluarsikkit." in kl


def test_a_refusal_at_the_desk_is_said_under_the_summary_at_the_top(
    desk: Client, register: None
) -> None:
    page = desk.post(
        ADD, {"cpr": "0101011234", "document": "passport", "last4": "4081"}
    ).content.decode()
    assert "Please correct the error below." in page
    assert '<ul class="errorlist nonfield">' in page
    assert "Nobody has this CPR number in the CPR register." in page


def test_the_desks_first_step_says_what_each_empty_field_needs_in_greenlandic(
    borgerservice: User,
) -> None:
    clerk = log_in_staff(Client(headers={"accept-language": "kl"}), borgerservice)
    html = clerk.post(ADD, {"cpr": "080404-4128"}).content.decode()
    assert "Kinaassutsimut uppernarsaat misissorisat nalunaarsoruk." in html
    assert "Uppernarsaatip normuata ilisarnaatai kingulliit sisamat allakkit." in html
    assert 'value="080404-4128"' in html  # nothing typed is lost
    html = clerk.post(ADD, {"cpr": "", "document": "passport", "last4": "12"}).content.decode()
    assert "CPR-normup normui 10-t allakkit." in html
    assert "Ilisarnaatit sisamat kisimik allakkit." in html
    assert "Dette felt er påkrævet." not in html


def test_each_later_step_of_the_desk_says_what_an_empty_field_needs_in_greenlandic(
    borgerservice: User, register: None, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = log_in_staff(Client(headers={"accept-language": "kl"}), borgerservice)
    case = desk_service.start(
        by=borgerservice, cpr=SOFIE, document="passport", last4="4081", checked_for_high=False
    )
    url = f"/admin/activation/deskenrollment/{case.pk}/desk/"
    said = {
        "user_id": ["Atuisup ID-a innuttaasup toqqagaa allaguk."],
        "contact": [
            "SMS imaluunniit e-mail toqqaruk.",
            "Innuttaasup mobiliata normua imaluunniit e-mail-ia allakkit.",
        ],
        "code": ["Kode innuttaasup atuffassissutigisaa allaguk."],
    }
    for expected in said.values():
        html = clerk.post(url, {}).content.decode()
        for words in expected:
            assert words in html
        assert "Dette felt er påkrævet." not in html
        case.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            if case.state == "user_id":
                desk_service.choose_user_id(desk=case, user_id="Sofie H", by=borgerservice)
            elif not case.code_hash:
                send(case, borgerservice)
    desk_service.confirm_code(desk=case, code=sms_code(), by=borgerservice)
    html = clerk.post(url, {}).content.decode()
    assert "MitID-mik innuttaasup qanoq atuinissaa toqqaruk." in html
    assert "Dette felt er påkrævet." not in html
