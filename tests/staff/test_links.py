"""What staff may open: approved transactions, and no link to a page they may not open."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from activation.models import DeskEnrollment
from audit.services import record
from tests.factories import IdentityFactory

from .helpers import english_client, log_in_staff

pytestmark = pytest.mark.django_db

APPROVALS = "/admin/relying_parties/approval/"


def test_both_groups_see_approved_transactions(desk: Client, phone_support: Client) -> None:
    for client in (desk, phone_support):
        assert client.get(APPROVALS).status_code == 200
        assert APPROVALS in client.get("/admin/").content.decode()


def test_an_audit_entry_links_a_staff_member_s_account_only_for_who_may_open_it(
    desk: Client, borgerservice: User, superuser: User
) -> None:
    entry = record("identity_blocked", by=borgerservice, identity=IdentityFactory(), reason="lost")
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    account = f"/admin/auth/user/{borgerservice.pk}/change/"
    page = desk.get(url)
    assert page.status_code == 200
    assert account not in page.content.decode()
    assert "birgit" in page.content.decode()  # named under "by"
    assert desk.get(account).status_code == 403  # which is why
    admin = log_in_staff(english_client(), superuser)
    assert account in admin.get(url).content.decode()


def test_a_desk_case_names_its_staff_member_without_a_link_they_may_not_open(
    desk: Client, borgerservice: User
) -> None:
    case = DeskEnrollment.objects.create(
        staff=borgerservice,
        cpr="1505831235",
        name="Jonas Jensen",
        document="passport",
        document_last4="4081",
        level="substantial",
        state=DeskEnrollment.State.USER_ID,
    )
    page = desk.get(f"/admin/activation/deskenrollment/{case.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/admin/auth/user/" not in html
    assert "birgit" in html
