"""The admin screens: what staff see, how they search, and the read-only audit log."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from authenticators import lifecycle, services
from authenticators.models import AppDevice, AuthenticatorEvent
from tests.factories import AppDeviceFactory, IdentityFactory, active_code_device

from .helpers import english_client, log_in_staff, staff_member

pytestmark = pytest.mark.django_db

SCREENS = [
    "/admin/authenticators/identity/",
    "/admin/authenticators/appdevice/",
    "/admin/authenticators/codedevice/",
    "/admin/authenticators/chipdevice/",
    "/admin/authenticators/hardwaretoken/",
    "/admin/enrollment/deviceorder/",
    "/admin/enrollment/appointmentslot/",
    "/admin/audit/auditentry/",
]


@pytest.mark.parametrize("url", SCREENS)
def test_each_screen_opens_for_both_groups(desk: Client, phone_support: Client, url: str) -> None:
    assert desk.get(url).status_code == 200
    assert phone_support.get(url).status_code == 200


def test_the_cpr_number_is_masked_in_the_list(desk: Client, jonas: object) -> None:
    html = desk.get("/admin/authenticators/identity/").content.decode()
    assert "150583-****" in html
    assert "1505831235" not in html and "150583-1235" not in html
    assert "Jonas Jensen" in html


@pytest.mark.parametrize("term", ["1505831235", "150583-1235", "150583", "jensen", "jonas j"])
def test_identities_are_found_by_cpr_and_name(desk: Client, jonas: object, term: str) -> None:
    IdentityFactory(user_id="someone else")
    found = desk.get("/admin/authenticators/identity/", {"q": term}).context["cl"].result_list
    assert [identity.user_id for identity in found] == ["J()nas Jen5en"]


def test_identities_are_found_by_user_id_in_any_case(desk: Client, jonas: object) -> None:
    found = desk.get("/admin/authenticators/identity/", {"q": "J()NAS"}).context["cl"]
    assert [identity.user_id for identity in found.result_list] == ["J()nas Jen5en"]


def test_a_wrong_cpr_finds_nobody(desk: Client, jonas: object) -> None:
    found = desk.get("/admin/authenticators/identity/", {"q": "1505831236"}).context["cl"]
    assert list(found.result_list) == []


def test_the_identity_page_shows_its_authenticators_and_history(
    desk: Client, jonas: object
) -> None:
    app = AppDeviceFactory(identity=jonas, name="Jonas's phone")
    lifecycle.block_device(app, reason="lost", by=None)
    response = desk.get(f"/admin/authenticators/identity/{jonas.pk}/change/")  # type: ignore[attr-defined]
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jonas&#x27;s phone" in html
    assert "150583-****" in html and "1505831235" not in html
    # The citizen's history, as an inline: the block is a row of it.
    assert re.search(r'<td class="field-kind">\s*<p>Blocked</p>', html)
    assert "Authenticator blocked" in html  # the audit entry
    assert 'name="_save"' not in html  # read-only


def test_two_phones_of_one_name_are_told_apart_in_the_history_and_the_block(
    desk: Client, jonas: object
) -> None:
    old = AppDeviceFactory(identity=jonas, name="iPhone")
    AppDeviceFactory(identity=jonas, name="iPhone")
    AppDevice.objects.filter(pk=old.pk).update(activated_at=datetime(2026, 3, 2, 9, 15, tzinfo=UTC))
    old.refresh_from_db()
    lifecycle.block_device(old, reason="lost", by=None)
    services.verify(old, "123456", service="Netbank")  # the lost phone, tried
    html = desk.get(f"/admin/authenticators/identity/{jonas.pk}/change/").content.decode()  # type: ignore[attr-defined]
    # Each line of the history names its phone by when it was activated (local time).
    named = re.findall(r'<td class="field-authenticator">\s*<p>(.*?)</p>', html)
    assert named[:2] == ["MitID app (iPhone), activated 2 March 2026 at 10:15"] * 2
    assert re.search(r'<td class="field-detail_shown">\s*<p>the device is blocked or not', html)
    assert re.search(r'<td class="field-service">\s*<p>Netbank</p>', html)
    # The history's device names are read once for the page, not once a line.
    page = f"/admin/authenticators/identity/{jonas.pk}/change/"  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as few:
        desk.get(page)
    for _ in range(10):
        AuthenticatorEvent.objects.filter(kind="refused").update(
            at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        services.verify(old, "123456", service="Netbank")
    assert AuthenticatorEvent.objects.filter(kind="refused").count() == 11
    with CaptureQueriesContext(connection) as many:
        desk.get(page)
    assert len(many) == len(few)


def test_authenticators_filter_by_status_and_kind(desk: Client) -> None:
    active = AppDeviceFactory(name="active one")
    blocked = AppDeviceFactory(name="blocked one")
    lifecycle.block_device(blocked, reason="lost", by=None)
    found = desk.get("/admin/authenticators/appdevice/", {"status__exact": "blocked"})
    assert list(found.context["cl"].result_list) == [blocked]
    assert active not in found.context["cl"].result_list
    device = active_code_device(IdentityFactory())
    codes = desk.get("/admin/authenticators/codedevice/", {"token__kind__exact": "kodeviser"})
    assert list(codes.context["cl"].result_list) == [device]


def test_device_pages_show_no_secret(desk: Client) -> None:
    app = AppDeviceFactory()
    html = desk.get(f"/admin/authenticators/appdevice/{app.pk}/change/").content.decode()
    assert app.public_key not in html and app.pin_hash not in html


@pytest.fixture
def entry(superuser: User) -> AuditEntry:
    return record("device_blocked", by=superuser, reason="lost")


def test_the_audit_log_lists_who_what_and_why(desk: Client, entry: AuditEntry) -> None:
    html = desk.get("/admin/audit/auditentry/").content.decode()
    assert "root" in html and "Authenticator blocked" in html and ">Lost<" in html


def test_the_audit_logs_time_is_short_and_free_to_wrap(desk: Client, entry: AuditEntry) -> None:
    """Beside the admin's navigation and filters, the log fits a 1280-pixel screen only if
    its time may wrap (the admin keeps a date field's cell on one line, `nowrap`)."""
    html = desk.get("/admin/audit/auditentry/").content.decode()
    when = timezone.localtime(entry.at)
    short = f"{when.day} {when:%b %Y, %H:%M}"  # "4 Dec 2026, 20:03"
    # Its cell's only class is its field's: not `nowrap`.
    assert re.search(rf'<th class="field-at_shown"><a href="[^"]+">{short}</a></th>', html)


def test_the_audit_log_is_read_only_even_for_a_superuser(
    superuser: User, entry: AuditEntry
) -> None:
    client = log_in_staff(english_client(), superuser)
    base = f"/admin/audit/auditentry/{entry.pk}"
    assert client.get(f"{base}/change/").status_code == 200  # a view, without a form
    assert 'name="_save"' not in client.get(f"{base}/change/").content.decode()
    assert client.post(f"{base}/change/", {"reason": "other"}).status_code == 403
    assert client.get(f"{base}/delete/").status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    listing = client.get("/admin/audit/auditentry/")
    assert listing.context["action_form"] is None  # no actions at all, so no "delete selected"
    entry.refresh_from_db()
    assert entry.reason == "lost"
    assert AuditEntry.objects.count() == 1


def test_the_audit_log_filters_by_action_and_searches_by_user_id(
    desk: Client, superuser: User
) -> None:
    karen = IdentityFactory(user_id="karen.h")
    record("device_blocked", by=superuser, identity=karen, reason="lost")
    record("level_raised", by=superuser, reason="in_person_check")
    by_action = desk.get("/admin/audit/auditentry/", {"action__exact": "level_raised"})
    assert [e.action for e in by_action.context["cl"].result_list] == ["level_raised"]
    by_user_id = desk.get("/admin/audit/auditentry/", {"q": "karen"})
    assert [e.identity for e in by_user_id.context["cl"].result_list] == [karen]
    by_actor = desk.get("/admin/audit/auditentry/", {"actor__id__exact": superuser.pk})
    assert len(by_actor.context["cl"].result_list) == 2


def test_translators_find_the_catalogue_editor_on_the_admin_index(db: None) -> None:
    translator = staff_member("tove", "Translators")
    page = log_in_staff(english_client(), translator).get("/admin/").content.decode()
    assert 'href="/admin/translations/files/project/"' in page
    assert "Catalogues: Danish, English, Greenlandic" in page


def test_other_staff_are_not_shown_the_catalogue_editor(desk: Client) -> None:
    assert "/admin/translations/" not in desk.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("language", "reason"), [("da", "Mistet"), ("kl", "Tammarpoq"), ("en", "Lost")]
)
def test_column_headers_and_the_audit_log_are_in_the_staff_members_language(
    superuser: User, language: str, reason: str
) -> None:
    from enrollment.demo import seed_offices

    seed_offices()
    karen = IdentityFactory(user_id="Karen H. Hansen")
    phone = AppDeviceFactory(identity=karen, name="Karen's iPhone")
    lifecycle.block_device(phone, reason=lifecycle.BlockReason.LOST, by=superuser)
    client = log_in_staff(Client(headers={"accept-language": language}), superuser)
    for screen in [
        "/admin/authenticators/identity/",
        "/admin/authenticators/appdevice/",
        "/admin/enrollment/appointmentslot/",
        "/admin/audit/auditentry/",
    ]:
        html = client.get(screen).content.decode()
        headers = re.findall(r'<th scope="col"[^>]*>.*?<(?:a|span)[^>]*>(.*?)</', html, re.S)
        assert headers, screen
        if language != "en":
            for english in ["Created at", "Last used at", "Office", "Reason"]:
                assert english not in headers, (screen, headers)
    audit = client.get("/admin/audit/auditentry/").content.decode()
    assert f">{reason}<" in audit, "the reason in words, not its code"
    assert ">lost<" not in audit
    # The user-ID as the citizen wrote it, with its capitals and spaces.
    assert "Karen H. Hansen" in audit


# What each app writes as an audit entry's reason, and the Danish staff read for it.
CODED_REASONS = [
    ("order_changed", "sent", "Sendt"),
    ("order_changed", "lost", "Bortkommet"),  # lost in the post, not a lost phone ("Mistet")
    ("order_changed", "post", "Leveret af posten"),
    ("order_changed", "handed_out_at_desk", "Udleveret i Borgerservice"),
    ("desk_created", "high", "Høj"),
    ("desk_refused", "user_id_taken", "en anden har allerede dette bruger-ID"),
    ("desk_refused", "no_code", "der er endnu ikke sendt en kode"),
    ("staff_login_failed", "no_code", "ingen kode fra kodeviseren"),
    (
        "staff_login_failed",
        "wrong_code,wrong_password",
        "forkert kode, forkert brugernavn eller adgangskode",
    ),
    ("permission_denied", "send_from_stock", "Send med posten (tildel en enhed fra lageret)"),
    ("setting_changed", "notify_on_use:1", "får besked ved hver brug: slået til"),
    ("contact_changed", "mobile", "Mobilnummer"),
    ("device_blocked", "lost", "Mistet"),
    ("device_blocked", "Fundet af politiet, 3 dage", "Fundet af politiet, 3 dage"),
    ("desk_refused", "too_many_serials", "for mange forkerte serienumre: vent lidt"),
    (
        "desk_refused",
        "id_check_missing",
        "ID-kontrollen mangler: Registrér dokumentet og de sidste 4 tegn i dets nummer",
    ),
    # A party's transaction text is free text, even when it is a word that is a code elsewhere.
    ("transaction_approved", "lost", "lost"),
]


def test_who_acted_is_in_words_when_it_was_not_a_staff_member(superuser: User) -> None:
    record("device_blocked", by=None, reason="lost")  # the citizen, in self-service
    record("order_changed", by=None, reason="post", unless_staff="system")
    # A staff account that happens to bear one of those names keeps it.
    record("device_blocked", by=staff_member("citizen", "Support"), reason="lost")
    client = log_in_staff(Client(headers={"accept-language": "da"}), superuser)
    html = client.get("/admin/audit/auditentry/").content.decode()
    shown = re.findall(r'<td class="field-actor_shown">(.*?)</td>', html)
    assert sorted(shown) == ["borgeren", "citizen", "portalen (planlagt)"]


@pytest.mark.parametrize(("action", "code", "words"), CODED_REASONS)
def test_every_coded_reason_in_the_audit_log_is_in_words(
    superuser: User, action: str, code: str, words: str
) -> None:
    record(action, by=None, reason=code)
    client = log_in_staff(Client(headers={"accept-language": "da"}), superuser)
    html = client.get("/admin/audit/auditentry/").content.decode()
    assert f'<td class="field-reason_shown">{words}</td>' in html


def test_the_identity_page_names_and_times_devices_in_the_staff_members_language(
    superuser: User,
) -> None:
    karen = IdentityFactory(user_id="Karen H. Hansen", language="kl")
    used = AppDeviceFactory(identity=karen, name="Karens iPhone")
    AppDevice.objects.filter(pk=used.pk).update(
        last_used_at=datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
    )
    AppDeviceFactory(identity=karen, name="Karens iPad")  # never used
    client = log_in_staff(Client(headers={"accept-language": "da"}), superuser)
    html = client.get(f"/admin/authenticators/identity/{karen.pk}/change/").content.decode()
    headers = re.findall(r'<th class="column-(\w+)[^"]*"[^>]*>(.*?)</th>', html, re.S)
    assert ("device_name", "Navn") in [(n, " ".join(t.split())) for n, t in headers]
    last = re.findall(r'<td class="field-last_used">\s*<p>(.*?)</p>', html)
    assert sorted(last) == ["-", "2. marts 2026 kl. 10.15"], "local time, no UTC, no None"
    assert "Grønlandsk" in html  # the citizen's language by name, not "kl"


@pytest.mark.parametrize(
    ("action", "detail", "shown"),
    [
        ("desk_created", "driving_licence …1234", "Kørekort …1234"),
        ("device_unblocked", "passport …4081", "Pas …4081"),
        ("staff_login", "client 192.0.2.7", "fra 192.0.2.7"),
        # A staff member's note is free text, whatever word it begins with.
        ("device_blocked", "passport found in the street", "passport found in the street"),
    ],
)
def test_a_details_coded_first_word_is_in_words(
    superuser: User, action: str, detail: str, shown: str
) -> None:
    record(action, by=None, detail=detail)
    client = log_in_staff(Client(headers={"accept-language": "da"}), superuser)
    html = client.get("/admin/audit/auditentry/").content.decode()
    assert f'<td class="field-detail_shown">{shown}</td>' in html


@pytest.mark.parametrize(("language", "name"), [("en", "Passport"), ("da", "Pas")])
def test_the_id_document_seen_for_level_high_is_named_in_the_staff_members_language(
    borgerservice: User, jonas: object, language: str, name: str
) -> None:
    identity = IdentityFactory(user_id="Raised High")
    lifecycle.raise_to_high(
        identity,
        by=borgerservice,
        id_check=lifecycle.IdCheck(document="passport", last4="4081"),
    )
    staff = log_in_staff(Client(headers={"accept-language": language}), borgerservice)
    html = staff.get(f"/admin/authenticators/identity/{identity.pk}/change/").content.decode()
    assert re.search(rf'<div class="readonly">{name}</div>', html)
    assert "passport</div>" not in html
