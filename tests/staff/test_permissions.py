"""The groups: Borgerservice may unblock and raise; Support may look and block, no more."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client

from audit.models import AuditEntry
from authenticators import lifecycle
from authenticators.models import AppDevice
from staff.admin_actions import StaffActionsMixin
from tests.factories import AppDeviceFactory, IdentityFactory

from .test_actions import APPS, IDENTITIES, PASSPORT, act

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked_app() -> AppDevice:
    device = AppDeviceFactory(identity__user_id="J()nas Jen5en", name="Phone")
    lifecycle.block_device(device, reason="lost", by=None)
    return device


def test_the_groups_hold_the_staff_permissions() -> None:
    def codenames(group: str) -> set[str]:
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="staff")
            .values_list("codename", flat=True)
        )

    assert codenames("Borgerservice") == {
        "block_authenticator",
        "unblock_authenticator",
        "revoke_authenticator",
        "block_identity",
        "lift_identity_block",
        "raise_level",
        "create_at_desk",
    }
    assert codenames("Support") == {"block_authenticator", "block_identity"}


def test_both_groups_may_view_the_screens_but_only_borgerservice_changes_orders(
    borgerservice: User, support: User
) -> None:
    for user in (borgerservice, support):
        assert user.has_perm("authenticators.view_identity")
        assert user.has_perm("audit.view_auditentry")
        assert user.has_perm("enrollment.view_deviceorder")
        assert not user.has_perm("audit.change_auditentry")
    assert borgerservice.has_perm("enrollment.change_deviceorder")
    assert not support.has_perm("enrollment.change_deviceorder")


def test_support_blocks_on_the_phone(phone_support: Client, support: User) -> None:
    device = AppDeviceFactory(name="Phone")
    act(phone_support, APPS, "block", [device], reason="stolen")
    device.refresh_from_db()
    assert device.status == "blocked"
    assert AuditEntry.objects.get().actor == support


def test_support_cannot_unblock_403_and_audited(
    phone_support: Client, support: User, blocked_app: AppDevice
) -> None:
    response = act(phone_support, APPS, "unblock", [blocked_app], **PASSPORT)
    assert response.status_code == 403
    blocked_app.refresh_from_db()
    assert blocked_app.status == "blocked"
    entry = AuditEntry.objects.get(action="permission_denied")
    assert (entry.actor, entry.identity, entry.reason) == (support, blocked_app.identity, "unblock")
    assert entry.detail == str(blocked_app.pk)
    assert not AuditEntry.objects.filter(action="device_unblocked").exists()


def test_support_is_refused_even_the_form_page_of_an_unblock(
    phone_support: Client, blocked_app: AppDevice
) -> None:
    assert act(phone_support, APPS, "unblock", [blocked_app]).status_code == 403
    assert AuditEntry.objects.filter(action="permission_denied").count() == 1


def test_support_cannot_revoke_lift_or_raise(phone_support: Client) -> None:
    identity = IdentityFactory()
    device = AppDeviceFactory(identity=identity)
    assert act(phone_support, APPS, "revoke", [device], reason="lost").status_code == 403
    assert act(phone_support, IDENTITIES, "raise_to_high", [identity], **PASSPORT).status_code == (
        403
    )
    lifecycle.block_identity(identity, reason="lost", by=None)
    assert (
        act(phone_support, IDENTITIES, "lift_identity_block", [identity], **PASSPORT).status_code
        == 403
    )
    identity.refresh_from_db()
    device.refresh_from_db()
    assert (identity.status, identity.level, device.status) == ("blocked", "substantial", "active")
    assert list(
        AuditEntry.objects.filter(action="permission_denied").values_list("reason", flat=True)
    ) == ["lift_identity_block", "raise_to_high", "revoke"]


def test_support_is_offered_only_what_it_may_do(phone_support: Client, desk: Client) -> None:
    AppDeviceFactory()
    support_actions = phone_support.get(APPS).context["action_form"].fields["action"].choices
    desk_actions = desk.get(APPS).context["action_form"].fields["action"].choices
    assert [name for name, _ in support_actions if name] == ["block"]
    assert [name for name, _ in desk_actions if name] == ["block", "unblock", "revoke"]


def test_staff_outside_the_groups_see_nothing(db: None) -> None:
    from .helpers import english_client, log_in_staff, staff_member

    client = log_in_staff(english_client(), staff_member("nobody"))
    assert client.get(APPS).status_code == 403


def test_an_action_name_means_one_thing_in_every_audited_admin() -> None:
    """A refused action is audited by its name alone, and the log reads it in the words
    registered for that name (`StaffActionsMixin`): two admins' actions of one name must say
    the same, or the log would show one of them for both."""
    words: dict[str, set[str]] = {}
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, StaffActionsMixin):
            for name in model_admin.actions or ():
                if isinstance(name, str):
                    said = str(getattr(model_admin, name).short_description)
                    words.setdefault(name, set()).add(said)
    assert words and all(len(said) == 1 for said in words.values()), words
