"""The kinds of authenticator as the rest of the portal names them: in URLs, in a login's
method, and in the words a citizen reads. A new kind is added here, once."""

from django.utils.translation import gettext_lazy as _

from .models import AppDevice, AuthenticatorStatus, ChipDevice, CodeDevice, Identity

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


def devices_of(
    identity: Identity, *, revoked: bool = False
) -> list[AppDevice | CodeDevice | ChipDevice]:
    """The identity's authenticators (apps, code device, chips), revoked ones if asked for."""
    found: list[AppDevice | CodeDevice | ChipDevice] = []
    for model in KINDS.values():
        devices = model.objects.filter(identity=identity)
        found.extend(devices if revoked else devices.exclude(status=AuthenticatorStatus.REVOKED))
    return found
