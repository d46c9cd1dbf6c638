"""The MitID chip: registered with WebAuthn, confirmed after a waiting period, then used."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from activation import services as activation
from audit.models import AuditEntry
from authenticators.models import AuthenticatorEvent, ChipDevice, Identity
from messaging.models import OutboxMessage
from tests.authenticators.soft_chip import SoftChip
from tests.factories import IdentityFactory, active_code_device
from tests.logins import log_in_with_mitid

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity() -> Identity:
    return IdentityFactory(user_id="Karen K")


def register(identity: Identity, chip: SoftChip) -> ChipDevice:
    options, state = activation.chip_registration_options(identity)
    return activation.register_chip(identity=identity, state=state, response=chip.register(options))


def test_a_registered_chip_waits_then_is_confirmed_with_the_key(
    identity: Identity, settings
) -> None:
    soft = SoftChip()
    chip = register(identity, soft)
    assert chip.status == "pending"
    assert chip.confirm_after - timezone.now() > timedelta(hours=settings.CHIP_WAITING_HOURS - 1)

    too_early = soft.sign_in(chip.generate_challenge())
    with pytest.raises(activation.ActivationRefused, match="waiting_period"):
        activation.confirm_chip(chip=chip, response=too_early)

    ChipDevice.objects.filter(pk=chip.pk).update(confirm_after=timezone.now())
    chip.refresh_from_db()
    confirmed = activation.confirm_chip(chip=chip, response=soft.sign_in(chip.generate_challenge()))
    assert (confirmed.status, confirmed.level) == ("active", "substantial")


def test_the_citizen_is_told_a_chip_was_added(
    identity: Identity, django_capture_on_commit_callbacks
) -> None:
    from enrollment.models import EnrollmentCase

    Identity.objects.filter(pk=identity.pk).update(language="en")
    identity.refresh_from_db()
    EnrollmentCase.objects.create(
        identity=identity,
        channel="mitid",
        status="completed",
        mobile="+4520304050",
        mobile_confirmed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        register(identity, SoftChip())
    assert OutboxMessage.objects.filter(
        recipient="+4520304050", body__contains="MitID chip was added"
    ).exists()


def test_a_chip_is_offered_only_to_an_active_identity(identity: Identity) -> None:
    Identity.objects.filter(pk=identity.pk).update(status="pending")
    identity.refresh_from_db()
    with pytest.raises(activation.ActivationRefused, match="identity_not_active"):
        activation.chip_registration_options(identity)


def test_an_answer_to_another_challenge_is_refused(identity: Identity) -> None:
    soft = SoftChip()
    _options, state = activation.chip_registration_options(identity)
    other_options, _other_state = activation.chip_registration_options(identity)
    with pytest.raises(activation.ActivationRefused, match="invalid_chip_response"):
        activation.register_chip(
            identity=identity, state=state, response=soft.register(other_options)
        )
    assert not ChipDevice.objects.exists()


def test_an_answer_from_another_site_is_refused(identity: Identity) -> None:
    phishing = SoftChip(origin="https://mitid-login.example")
    options, state = activation.chip_registration_options(identity)
    with pytest.raises(activation.ActivationRefused, match="invalid_chip_response"):
        activation.register_chip(
            identity=identity, state=state, response=phishing.register(options)
        )


def test_a_chip_without_its_pin_is_refused(identity: Identity) -> None:
    soft = SoftChip()
    soft.user_verified = False
    options, state = activation.chip_registration_options(identity)
    with pytest.raises(activation.ActivationRefused, match="invalid_chip_response"):
        activation.register_chip(identity=identity, state=state, response=soft.register(options))


def test_the_same_chip_is_registered_once(identity: Identity) -> None:
    soft = SoftChip()
    register(identity, soft)
    options, state = activation.chip_registration_options(identity)
    assert options["publicKey"]["excludeCredentials"], "the browser is told to skip the chip"
    with pytest.raises(activation.ActivationRefused, match="chip_already_registered"):
        activation.register_chip(identity=identity, state=state, response=soft.register(options))


def test_a_chip_the_browser_would_not_register_again_is_said_to_be_added(
    identity: Identity,
) -> None:
    # The browser refuses a key holding one of excludeCredentials with InvalidStateError, and
    # static/portal/webauthn.js sends its name: "Try again" would never help (a walk, English).
    register(identity, SoftChip())
    _options, state = activation.chip_registration_options(identity)
    with pytest.raises(activation.ActivationRefused, match="chip_already_registered"):
        activation.register_chip(
            identity=identity, state=state, response='{"error": "InvalidStateError"}'
        )
    with pytest.raises(activation.ActivationRefused, match="invalid_chip_response"):
        activation.register_chip(
            identity=identity, state=state, response='{"error": "NotAllowedError"}'
        )


def test_a_pending_chip_is_removed_from_the_chip_page_after_a_confirmation(
    client: Client, identity: Identity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # The page said "we tell you ... when a chip is added, so you can react if it was not
    # you", and offered nothing to react with: a pending chip could not be removed there.
    log_in_with_mitid(client, identity, active_code_device(identity))
    chip = register(identity, SoftChip())
    page = client.get("/en/authenticators/chip/").content.decode()
    assert "if it was not you, you remove it here before it can be used" in page
    assert f'href="/en/authenticators/chip/{chip.pk}/remove/"' in page

    # A page of its own that asks why, and to confirm: a plain form, no script needed.
    asked = client.get(f"/en/authenticators/chip/{chip.pk}/remove/").content.decode()
    assert 'name="reason"' in asked and "data-webauthn" not in asked
    unsure = client.post(f"/en/authenticators/chip/{chip.pk}/remove/", {}, follow=True)
    assert "Choose why you remove the chip." in unsure.content.decode()
    assert ChipDevice.objects.get().status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(
            f"/en/authenticators/chip/{chip.pk}/remove/", {"reason": "misuse"}, follow=True
        )
    assert removed.redirect_chain == [("/en/authenticators/chip/", 302)]
    assert "The chip is removed and can never be used with your MitID." in removed.content.decode()
    chip.refresh_from_db()
    assert chip.status == "revoked"
    # In the history and the audit log, with why; and told, as a revoke is.
    (revoked,) = AuthenticatorEvent.objects.filter(kind="revoked")
    assert (revoked.device, revoked.detail) == (chip.persistent_id, "misuse")
    entry = AuditEntry.objects.get(action="device_revoked")
    assert (entry.identity_id, entry.reason) == (identity.pk, "misuse")
    # The browser's Back finds the chip page, which says the chip is removed.
    back = client.get(f"/en/authenticators/chip/{chip.pk}/remove/", follow=True)
    assert "This chip is removed." in back.content.decode()
    # A chip removed can never be confirmed: its confirmation page, in a tab left open, finds
    # the chip page, which says so.
    ChipDevice.objects.update(confirm_after=timezone.now())
    confirm = client.get(f"/en/authenticators/chip/{chip.pk}/confirm/", follow=True)
    assert confirm.redirect_chain == [("/en/authenticators/chip/", 302)]
    assert "This chip is removed." in confirm.content.decode()


def test_only_a_pending_chip_of_ones_own_is_removed_here(
    client: Client, identity: Identity
) -> None:
    log_in_with_mitid(client, identity, active_code_device(identity))
    soft = SoftChip()
    chip = register(identity, soft)
    ChipDevice.objects.filter(pk=chip.pk).update(confirm_after=timezone.now())
    chip.refresh_from_db()
    activation.confirm_chip(chip=chip, response=soft.sign_in(chip.generate_challenge()))
    page = client.get("/en/authenticators/chip/").content.decode()
    # A confirmed chip is blocked, as any device is; it is not removed here.
    assert f"/en/selfservice/authenticators/chip/{chip.pk}/block/" in page
    confirmed = client.post(
        f"/en/authenticators/chip/{chip.pk}/remove/", {"reason": "lost"}, follow=True
    )
    assert "This chip is already confirmed." in confirmed.content.decode()
    assert ChipDevice.objects.get().status == "active"
    someone_elses = register(IdentityFactory(user_id="Jonas J"), SoftChip())
    remove = f"/en/authenticators/chip/{someone_elses.pk}/remove/"
    assert client.post(remove, {"reason": "lost"}).status_code == 404
    assert ChipDevice.objects.get(pk=someone_elses.pk).status == "pending"


def test_a_removal_that_meets_the_chip_removed_meanwhile_says_it_is_removed(
    identity: Identity,
) -> None:
    # Two tabs' "Remove" at once: the second passed the page's check before the first was
    # done, and was told "This chip is already confirmed." of a chip that was removed.
    chip = register(identity, SoftChip())
    activation.remove_pending_chip(identity=identity, chip_id=chip.pk, reason="lost")
    with pytest.raises(activation.ActivationRefused, match=r"^removed$"):
        activation.remove_pending_chip(identity=identity, chip_id=chip.pk, reason="lost")
    assert AuthenticatorEvent.objects.filter(kind="revoked").count() == 1
