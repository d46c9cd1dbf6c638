"""The kinds of authenticator as the rest of the portal names them: in URLs, in a login's
method, and in the words a citizen reads. A new kind is added here, once."""

from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from .models import AppDevice, AuthenticatorStatus, ChipDevice, CodeDevice, Identity

# One of a person's authenticators, whichever its kind (django-otp's `Device` is their base
# class, which every other device, a staff member's TOTP too, shares).
AnyDevice = AppDevice | CodeDevice | ChipDevice

# The ways in, in the order a person is offered them.
APP, CODE_DEVICE, CHIP = "app", "code_device", "chip"
METHODS = (APP, CODE_DEVICE, CHIP)
KINDS: dict[str, type[AppDevice] | type[CodeDevice] | type[ChipDevice]] = {
    APP: AppDevice,
    CODE_DEVICE: CodeDevice,
    CHIP: ChipDevice,
}
NAMES = {
    APP: _("MitID app"),
    CODE_DEVICE: _("code display or code reader"),
    CHIP: _("MitID chip"),
}


def devices_of(identity: Identity, *, revoked: bool = False) -> list[AnyDevice]:
    """The identity's authenticators (apps, code device, chips), revoked ones if asked for;
    a code device with its token, which its label names."""
    found: list[AnyDevice] = []
    for devices in (
        AppDevice.objects.all(),
        CodeDevice.objects.select_related("token"),
        ChipDevice.objects.all(),
    ):
        mine = devices.filter(identity=identity)
        found.extend(mine if revoked else mine.exclude(status=AuthenticatorStatus.REVOKED))
    return found


def in_use(persistent_id: str) -> bool:
    """Whether the device django-otp's `persistent_id` names is active: not blocked, revoked
    or gone (what a login, or a party's token, made with it still stands on)."""
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return getattr(device, "status", None) == AuthenticatorStatus.ACTIVE


def can_log_in_with_mitid(identity: Identity) -> bool:
    """Whether any authenticator of the identity still works: then MitID, not NemID, proves
    who orders a new device (a NemID password alone must not put one in the post), and
    self-service, not a new device, is where the person goes."""
    return any(device.is_usable for device in devices_of(identity))


def every_device_blocked(identity: Identity) -> bool:
    """Whether the identity has authenticators and none of them works (a lost only device):
    self-service needs a MitID login they cannot do, so a new device is their way in."""
    devices = devices_of(identity)
    return bool(devices) and not any(device.is_usable for device in devices)
