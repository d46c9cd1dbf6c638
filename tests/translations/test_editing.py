import difflib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import polib
import pytest
from django.conf import LazySettings, settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from translations.access import GROUP, PERMISSION

pytestmark = pytest.mark.django_db

FILES = "/admin/translations/files/project/"
MSGCAT = shutil.which("msgcat") or "msgcat"


@pytest.fixture
def staff_client(client: Client) -> Callable[..., Client]:
    """A client logged in as a staff member, OTP-verified unless told otherwise."""

    def log_in(
        *, translator: bool = True, verified: bool = True, superuser: bool = False
    ) -> Client:
        user = User.objects.create_user("anna", password="x", is_staff=True, is_superuser=superuser)
        if translator:
            user.groups.add(Group.objects.get(name=GROUP))
        client.force_login(user)
        if verified:
            device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return log_in


@pytest.fixture
def locale_copy(settings: LazySettings, tmp_path: Path) -> Path:
    """Rosetta edits a copy of the catalogues, never the ones in the tree."""
    real = Path(settings.LOCALE_PATHS[0])
    copy = tmp_path / "locale"
    shutil.copytree(real, copy, ignore=shutil.ignore_patterns("*.mo"))
    for po in copy.glob("*/LC_MESSAGES/django.po"):
        # As `make messages` leaves them, whatever state the tree's catalogues are in now.
        subprocess.run([MSGCAT, "-o", str(po), str(po)], check=True)
    settings.LOCALE_PATHS = [copy]
    # Rosetta also looks next to the settings package (the real locale/): not in these tests.
    settings.ROSETTA_EXCLUDED_PATHS = [str(real)]
    return copy


def test_the_migration_gives_translators_the_permission() -> None:
    group = Group.objects.get(name=GROUP)
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [
        PERMISSION
    ]


def test_anonymous_visitors_are_sent_to_the_admin_login(client: Client) -> None:
    response = client.get(FILES)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize(
    "who",
    [
        {"verified": False},  # a password alone is not enough
        {"translator": False},  # staff, but not a translator
        {"translator": False, "superuser": True, "verified": False},
    ],
)
def test_only_verified_translators_get_in(staff_client: Callable[..., Client], who: dict) -> None:
    assert staff_client(**who).get(FILES).status_code == 403


@pytest.mark.parametrize("who", [{}, {"translator": False, "superuser": True}])
def test_verified_translators_and_superusers_see_our_three_catalogues(
    staff_client: Callable[..., Client], who: dict
) -> None:
    response = staff_client(**who).get(FILES)

    assert response.status_code == 200
    languages = [language for language, _name, _files in response.context["languages"]]
    assert languages == ["da", "en", "kl"]
    for _language, _name, files in response.context["languages"]:
        assert [Path(path) for _app, path, _po in files] == [
            Path(settings.LOCALE_PATHS[0]).resolve() / _language / "LC_MESSAGES" / "django.po"
        ]


@pytest.mark.parametrize("po_filter", ["django", "third-party", "all"])
def test_django_and_third_party_catalogues_are_not_offered(
    staff_client: Callable[..., Client], po_filter: str
) -> None:
    client = staff_client()
    assert client.get(f"/admin/translations/files/{po_filter}/").status_code == 404
    assert client.get(f"/admin/translations/files/{po_filter}/da/0/").status_code == 404


def test_no_machine_translation(staff_client: Callable[..., Client]) -> None:
    assert staff_client().get("/admin/translations/translate/").status_code == 404


def test_saving_writes_the_catalogue_in_gettext_layout_compiles_it_and_uses_it(
    staff_client: Callable[..., Client], locale_copy: Path, settings: LazySettings
) -> None:
    settings.ROSETTA_MESSAGES_PER_PAGE = 1000
    po_path = locale_copy / "kl" / "LC_MESSAGES" / "django.po"
    before = po_path.read_text().splitlines()
    client = staff_client()
    url = f"{FILES}kl/0/"
    page = client.get(url, {"query": "Confirm"})
    assert page.status_code == 200
    entry = next(e for e in page.context["rosetta_messages"] if e.msgid == "Confirm")

    response = client.post(url + "?query=Confirm", {f"m_{entry.md5hash}": "Uppernarsaguk!"})

    assert response.status_code == 302
    saved = polib.pofile(str(po_path))
    assert saved.find("Confirm").msgstr == "Uppernarsaguk!"
    # In gettext's layout, so that `make messages` shows no diff: only the edited string and
    # the header's who and when change (polib alone would re-wrap dozens of long strings).
    changed = [
        line[1:]
        for line in difflib.unified_diff(before, po_path.read_text().splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert all(
        line.startswith(('msgstr "', '"PO-Revision-Date', '"Last-Translator', '"X-Translated'))
        for line in changed
    ), changed
    assert 'msgstr "Uppernarsaguk!"' in changed
    assert po_path.with_suffix(".mo").exists()
    with translation.override("kl"):
        assert translation.gettext("Confirm") == "Uppernarsaguk!"


def test_a_broken_placeholder_is_told_to_the_translator(
    staff_client: Callable[..., Client], locale_copy: Path, settings: LazySettings
) -> None:
    settings.ROSETTA_MESSAGES_PER_PAGE = 1000
    po = polib.pofile(str(locale_copy / "kl" / "LC_MESSAGES" / "django.po"))
    entry = next(e for e in po if "python-format" in e.flags and not e.msgid_plural)
    client = staff_client()
    url = f"{FILES}kl/0/"
    page = client.get(url, {"query": entry.msgid})
    shown = next(e for e in page.context["rosetta_messages"] if e.msgid == entry.msgid)

    response = client.post(
        url + "?" + urlencode({"query": entry.msgid}),
        # Its placeholders kept (else it is not saved at all: below), but a lone "%" after them.
        {f"m_{shown.md5hash}": f"{entry.msgid} 100%"},
        follow=True,
    )

    errors = [str(m) for m in response.context["messages"]]
    assert any("The catalogue was saved but has errors" in m for m in errors), errors


def post_translations(
    client: Client, language: str, typed: dict[str, str]
) -> tuple[list[str], polib.POFile]:
    """Translations typed in rosetta's form, by English text: the messages shown after the
    save, and the catalogue as saved."""
    url = f"{FILES}{language}/0/"
    shown = {e.msgid: e for e in client.get(url).context["rosetta_messages"]}
    form = {f"m_{shown[msgid].md5hash}": text for msgid, text in typed.items()}
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    po = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    return [str(m) for m in response.context["messages"]], polib.pofile(str(po))


CALL_SUPPORT = "Call MitID support on %(phone)s, or ask someone you trust."


@pytest.mark.parametrize(
    "typed",
    [
        # A tag the page would serve as HTML: every visitor of the front page sent elsewhere.
        'Ring til MitID support på %(phone)s.<meta http-equiv="refresh" content="0;url=https://'
        'evil.example/">',
        'Ring til MitID support på %(phone)s. <a href="https://evil.example/">Log på her</a>',
        "Ring til MitID support på %(phone)s. <script",  # half a tag, closed by the page
        "Ring til MitID support på 90 90 90 90.",  # the number left to what was typed
        "Ring til MitID support på %(phone)s eller %(phone)s.",
    ],
)
def test_a_translation_that_changes_its_sources_markup_is_not_saved(
    staff_client: Callable[..., Client], locale_copy: Path, settings: LazySettings, typed: str
) -> None:
    settings.ROSETTA_MESSAGES_PER_PAGE = 2000
    before = polib.pofile(str(locale_copy / "da" / "LC_MESSAGES" / "django.po"))
    said, after = post_translations(
        staff_client(), "da", {CALL_SUPPORT: typed, "Confirm": "Bekræft nu"}
    )
    assert after.find(CALL_SUPPORT).msgstr == before.find(CALL_SUPPORT).msgstr
    assert after.find("Confirm").msgstr == "Bekræft nu"  # the page's other translations saved
    assert len(said) == 1 and said[0].startswith("Not saved: the translation of “Call MitID")
    assert said[0].endswith(f"You typed: “{typed}”")  # to mend, not to type again
    with translation.override("da"):
        assert "evil" not in translation.gettext(CALL_SUPPORT)


def test_a_translation_may_move_its_placeholders_and_tags(
    staff_client: Callable[..., Client], locale_copy: Path, settings: LazySettings
) -> None:
    settings.ROSETTA_MESSAGES_PER_PAGE = 2000
    typed = "Ring på %(phone)s til MitID support, eller spørg en, du stoler på."
    said, after = post_translations(staff_client(), "da", {CALL_SUPPORT: typed})
    assert said == [] and after.find(CALL_SUPPORT).msgstr == typed


def test_each_plural_form_keeps_its_placeholders(
    staff_client: Callable[..., Client], locale_copy: Path, settings: LazySettings
) -> None:
    settings.ROSETTA_MESSAGES_PER_PAGE = 2000
    po = polib.pofile(str(locale_copy / "kl" / "LC_MESSAGES" / "django.po"))
    entry = next(e for e in po if e.msgid_plural and "%(minutes)s" in e.msgid_plural)
    client = staff_client()
    url = f"{FILES}kl/0/"
    shown = next(e for e in client.get(url).context["rosetta_messages"] if e.msgid == entry.msgid)
    many = entry.msgstr_plural[1].replace("%(minutes)s", "tallimat")
    response = client.post(url, {f"m_{shown.md5hash}_1": many}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1 and said[0].startswith("Not saved"), said
    saved = polib.pofile(str(locale_copy / "kl" / "LC_MESSAGES" / "django.po"))
    assert saved.find(entry.msgid).msgstr_plural == entry.msgstr_plural
