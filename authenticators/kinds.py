"""The kinds of authenticator as the rest of the portal names them: in URLs, in a login's
method, and in the words a citizen reads. A new kind is added here, once."""

from django.utils.translation import gettext_lazy as _

from .models import AppDevice, ChipDevice, CodeDevice

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
