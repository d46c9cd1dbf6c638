"""Each staff action through the admin, as Django's test client posts it."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from audit.models import AuditEntry
from authenticators import lifecycle
from authenticators.models import AppDevice
from tests.factories import AppDeviceFactory, IdentityFactory, active_code_device

from .helpers import english_client, log_in_staff

pytestmark = pytest.mark.django_db

APPS = "/admin/authenticators/appdevice/"
CODES = "/admin/authenticators/codedevice/"
IDENTITIES = "/admin/authenticators/identity/"
PASSPORT = {"document": "passport", "last4": "7x2Q"}


def act(client: Client, url: str, action: str, objects: list[Any], **data: str) -> Any:
    """Choose the action for `objects` and, with `data`, submit its form page."""
    post: dict[str, Any] = {"action": action, "_selected_action": [o.pk for o in objects]}
    if data.pop("confirm", None):
        return client.post(url, post, follow=True)
    if data:
        post |= {"apply": "1", **data}
    # Followed to the change list, which shows (and so uses up) the outcome messages.
    return client.post(url, post, follow=bool(data))


def said(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def app() -> AppDevice:
    return AppDeviceFactory(identity__user_id="J()nas Jen5en", name="Jonas's phone")


def test_choosing_block_shows_a_form_page_for_the_reason(desk: Client, app: AppDevice) -> None:
    response = act(desk, APPS, "block", [app])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/staff/action_form.html"
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html and 'name="reason"' in html
    assert "Jonas&#x27;s phone" in html
    app.refresh_from_db()
    assert app.status == "active"


def test_block_with_a_reason_blocks_and_audits_who_and_why(
    desk: Client, borgerservice: User, app: AppDevice
) -> None:
    response = act(desk, APPS, "block", [app], reason="lost", note="Lost on the bus")
    assert response.redirect_chain == [(APPS, 302)]
    app.refresh_from_db()
    assert app.status == "blocked"
    entry = AuditEntry.objects.get(action="device_blocked")
    assert (entry.actor, entry.identity, entry.reason, entry.detail) == (
        borgerservice,
        app.identity,
        "lost",
        "Lost on the bus",
    )
    assert said(response) == [("success", "J()nas Jen5en: MitID app (Jonas's phone): blocked.")]


def test_block_without_a_reason_shows_the_form_again_and_changes_nothing(
    desk: Client, app: AppDevice
) -> None:
    response = act(desk, APPS, "block", [app], note="no reason given")
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["reason"][0].code == "required"
    assert 'class="errornote"' in response.content.decode()
    app.refresh_from_db()
    assert app.status == "active"
    assert not AuditEntry.objects.exists()


def test_a_second_block_is_refused_with_a_message(desk: Client, app: AppDevice) -> None:
    act(desk, APPS, "block", [app], reason="lost")
    response = act(desk, APPS, "block", [app], reason="stolen")
    assert said(response) == [
        ("error", "J()nas Jen5en: MitID app (Jonas's phone): not done, it is already blocked.")
    ]
    assert AuditEntry.objects.filter(action="device_blocked").count() == 1
    assert AuditEntry.objects.get().reason == "lost"


def test_blocking_a_revoked_device_is_refused(desk: Client, app: AppDevice) -> None:
    lifecycle.revoke_device(app, reason="stolen", by=None)
    response = act(desk, APPS, "block", [app], reason="lost")
    assert said(response)[0][0] == "error"
    assert "it is revoked, which is for ever" in said(response)[0][1]
    app.refresh_from_db()
    assert app.status == "revoked"


def test_each_selected_device_gets_its_own_answer(desk: Client, app: AppDevice) -> None:
    other = AppDeviceFactory(name="Tablet")
    lifecycle.block_device(other, reason="lost", by=None)
    response = act(desk, APPS, "block", [app, other], reason="misuse")
    assert sorted(level for level, _ in said(response)) == ["error", "success"]
    app.refresh_from_db()
    assert app.status == "blocked"


def test_unblock_without_an_id_check_is_refused_and_changes_nothing(
    desk: Client, app: AppDevice
) -> None:
    lifecycle.block_device(app, reason="lost", by=None)
    response = act(desk, APPS, "unblock", [app], document="", last4="")
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert {field: [e.code for e in errs] for field, errs in errors.items()} == {
        "document": ["required"],
        "last4": ["required"],
    }
    app.refresh_from_db()
    assert app.status == "blocked"
    assert not AuditEntry.objects.filter(action="device_unblocked").exists()


def test_unblock_with_a_last4_that_is_not_4_characters_is_refused(
    desk: Client, app: AppDevice
) -> None:
    lifecycle.block_device(app, reason="lost", by=None)
    response = act(desk, APPS, "unblock", [app], document="passport", last4="12")
    assert response.context["form"].errors.as_data()["last4"][0].code == "last4"
    app.refresh_from_db()
    assert app.status == "blocked"


def test_unblock_after_an_id_check_records_the_document(
    desk: Client, borgerservice: User, app: AppDevice
) -> None:
    lifecycle.block_device(app, reason="lost", by=None)
    response = act(desk, APPS, "unblock", [app], **PASSPORT)
    assert said(response) == [("success", "J()nas Jen5en: MitID app (Jonas's phone): unblocked.")]
    app.refresh_from_db()
    assert app.status == "active"
    entry = AuditEntry.objects.get(action="device_unblocked")
    assert (entry.actor, entry.detail) == (borgerservice, "passport …7X2Q")


def test_unblocking_a_device_that_is_not_blocked_is_refused(desk: Client, app: AppDevice) -> None:
    response = act(desk, APPS, "unblock", [app], **PASSPORT)
    assert "it is not blocked" in said(response)[0][1]


def test_revoke_is_for_ever(desk: Client, borgerservice: User, app: AppDevice) -> None:
    response = act(desk, APPS, "revoke", [app], reason="stolen", note="Police report")
    assert said(response)[0][0] == "success"
    app.refresh_from_db()
    assert app.status == "revoked"
    assert AuditEntry.objects.get(action="device_revoked").actor == borgerservice
    again = act(desk, APPS, "unblock", [app], **PASSPORT)
    assert "it is not blocked" in said(again)[0][1]


def test_code_devices_are_blocked_the_same_way(desk: Client) -> None:
    device = active_code_device(IdentityFactory(user_id="karen.h"))
    response = act(desk, CODES, "block", [device], reason="stolen")
    assert said(response)[0] == ("success", f"karen.h: {device.label}: blocked.")
    device.refresh_from_db()
    assert device.status == "blocked"


def test_block_a_whole_mitid_and_lift_the_block_after_an_id_check(
    desk: Client, borgerservice: User
) -> None:
    identity = IdentityFactory(user_id="karen.h")
    act(desk, IDENTITIES, "block_identity", [identity], reason="misuse")
    identity.refresh_from_db()
    assert identity.status == "blocked"
    refused = act(desk, IDENTITIES, "lift_identity_block", [identity], document="passport")
    assert refused.status_code == 200
    identity.refresh_from_db()
    assert identity.status == "blocked"

    response = act(desk, IDENTITIES, "lift_identity_block", [identity], **PASSPORT)
    assert said(response)[0][0] == "success"
    identity.refresh_from_db()
    assert identity.status == "active"
    assert list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor__username", "reason")
    ) == [
        ("identity_blocked", "birgit", "misuse"),
        ("identity_unblocked", "birgit", "id_check"),
    ]


def test_raise_to_high_records_the_document_and_its_last_4(
    desk: Client, borgerservice: User, app: AppDevice
) -> None:
    identity = app.identity
    response = act(
        desk, IDENTITIES, "raise_to_high", [identity], document="driving_licence", last4="9k3z"
    )
    assert said(response)[0][0] == "success"
    identity.refresh_from_db()
    assert (identity.level, identity.level_document, identity.level_document_last4) == (
        "high",
        "driving_licence",
        "9K3Z",
    )
    app.refresh_from_db()
    assert app.level == "high"
    entry = AuditEntry.objects.get(action="level_raised")
    assert (entry.actor, entry.detail) == (borgerservice, "driving_licence …9K3Z")
    again = act(desk, IDENTITIES, "raise_to_high", [identity], **PASSPORT)
    assert "it is already at level High" in said(again)[0][1]


def test_raise_to_high_without_an_id_check_changes_nothing(desk: Client) -> None:
    identity = IdentityFactory()
    response = act(desk, IDENTITIES, "raise_to_high", [identity], last4="1234")
    assert response.status_code == 200
    identity.refresh_from_db()
    assert identity.level == "substantial"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    borgerservice: User, app: AppDevice
) -> None:
    client = log_in_staff(english_client(enforce_csrf_checks=True), borgerservice)
    response = act(client, APPS, "block", [app], reason="lost")
    assert response.status_code == 403
    app.refresh_from_db()
    assert app.status == "active"
    assert not AuditEntry.objects.exists()


def test_the_form_page_carries_a_csrf_token_that_works(borgerservice: User, app: AppDevice) -> None:
    client = log_in_staff(english_client(enforce_csrf_checks=True), borgerservice)
    token = client.get(APPS).context["csrf_token"]
    response = client.post(
        APPS,
        {
            "csrfmiddlewaretoken": str(token),
            "action": "block",
            "_selected_action": [app.pk],
            "apply": "1",
            "reason": "lost",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "blocked"


def test_the_reason_other_needs_a_note() -> None:
    from staff.forms import BlockForm

    form = BlockForm({"reason": "other", "note": "  "})
    assert form.has_error("note", "note_required")
    assert BlockForm({"reason": "other", "note": "Found the phone in a taxi"}).is_valid()
    assert BlockForm({"reason": "lost", "note": ""}).is_valid()


ONE_PERSON = (
    "error",
    "An ID check is of one person: select that person's rows only (not all rows). "
    "Nothing was done.",
)


def test_an_id_check_across_all_rows_is_refused_and_nothing_done(desk: Client) -> None:
    # One identity in the database is not enough: "select all" is every row there will be.
    identity = IdentityFactory()
    post = {"action": "raise_to_high", "select_across": "1", "_selected_action": [identity.pk]}
    response = desk.post(IDENTITIES, post | {"apply": "1", **PASSPORT}, follow=True)
    assert said(response) == [ONE_PERSON]
    identity.refresh_from_db()
    assert identity.level == "substantial"
    assert not AuditEntry.objects.exists()
    # Nor is the form page shown for it.
    page = desk.post(IDENTITIES, post, follow=True)
    assert page.templates[0].name != "admin/staff/action_form.html"


def test_an_id_check_for_two_identities_is_refused_and_nothing_done(desk: Client) -> None:
    first, second = IdentityFactory(), IdentityFactory()
    for identity in (first, second):
        lifecycle.block_identity(identity, reason="lost", by=None)
    for action in ("raise_to_high", "lift_identity_block"):
        response = act(desk, IDENTITIES, action, [first, second], **PASSPORT)
        assert said(response) == [ONE_PERSON]
    for identity in (first, second):
        identity.refresh_from_db()
        assert (identity.status, identity.level) == ("blocked", "substantial")
    assert not AuditEntry.objects.exclude(action="identity_blocked").exists()


def test_unblocking_two_people_s_devices_at_once_is_refused(desk: Client, app: AppDevice) -> None:
    other = AppDeviceFactory()
    for device in (app, other):
        lifecycle.block_device(device, reason="lost", by=None)
    response = act(desk, APPS, "unblock", [app, other], **PASSPORT)
    assert said(response) == [ONE_PERSON]
    assert {d.status for d in AppDevice.objects.all()} == {"blocked"}
    assert not AuditEntry.objects.filter(action="device_unblocked").exists()
    across = act(desk, APPS, "unblock", [app], select_across="1", **PASSPORT)
    assert said(across) == [ONE_PERSON]


def test_one_person_s_devices_are_unblocked_together(desk: Client, app: AppDevice) -> None:
    second = AppDeviceFactory(identity=app.identity, name="Tablet")
    for device in (app, second):
        lifecycle.block_device(device, reason="lost", by=None)
    response = act(desk, APPS, "unblock", [app, second], **PASSPORT)
    assert [level for level, _ in said(response)] == ["success", "success"]


def test_blocking_many_people_s_devices_at_once_still_works(desk: Client, app: AppDevice) -> None:
    other = AppDeviceFactory()
    response = act(desk, APPS, "block", [app, other], reason="lost")
    assert [level for level, _ in said(response)] == ["success", "success"]


@pytest.mark.parametrize(
    "note",
    [
        "Her CPR is 150583-1235",
        "cpr 1505831235, lost on the bus",
        "150583 1235",
        "(150583-1235)",
    ],
)
def test_a_note_with_a_cpr_number_is_refused(note: str) -> None:
    from staff.forms import BlockForm

    for reason in ("lost", "other"):
        form = BlockForm({"reason": reason, "note": note})
        assert {f: [e.code for e in errs] for f, errs in form.errors.as_data().items()} == {
            "note": ["cpr_number"]
        }


@pytest.mark.parametrize(
    "note",
    ["Born 15.05.83, called from 12 34 56 78", "Order 12345678901 lost", "Serial KV10456256"],
)
def test_a_note_without_a_cpr_number_is_taken(note: str) -> None:
    from staff.forms import BlockForm

    assert BlockForm({"reason": "lost", "note": note}).is_valid()


def test_blocking_with_a_cpr_number_in_the_note_blocks_nothing(
    desk: Client, app: AppDevice
) -> None:
    response = act(desk, APPS, "block", [app], reason="lost", note="Jonas, 150583-1235")
    assert response.status_code == 200
    assert "Leave the CPR number out of the note" in response.content.decode()
    app.refresh_from_db()
    assert app.status == "active"
    assert not AuditEntry.objects.exists()


def test_an_outcome_shows_the_user_id_as_the_citizen_chose_it(desk: Client) -> None:
    device = active_code_device(IdentityFactory(user_id="karen.h"))
    response = act(desk, CODES, "block", [device], reason="stolen")
    page = response.content.decode()
    assert f"karen.h: {device.label}: blocked." in page
    assert "Karen.h" not in page


def test_django_s_own_messages_keep_their_capital_letter(desk: Client) -> None:
    page = desk.post(CODES, {"action": "block", "index": 0}, follow=True).content.decode()
    assert "Items must be selected in order to perform actions on them." in page
