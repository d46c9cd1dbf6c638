"""Where each way in starts, and the link that offers it: shared with self-service."""

from django.utils.translation import gettext_lazy as _

from authenticators.kinds import APP, CHIP, CODE_DEVICE

URLS = {
    APP: "login:app",
    CODE_DEVICE: "login:code_device",
    CHIP: "login:chip",
}
LINKS = {
    APP: _("Log in with the MitID app"),
    CODE_DEVICE: _("Log in with your code device"),
    CHIP: _("Log in with your MitID chip"),
}
# The same ways, on the pages of a transaction a party asked the citizen to approve.
APPROVE_LINKS = {
    APP: _("Approve with the MitID app"),
    CODE_DEVICE: _("Approve with your code device"),
    CHIP: _("Approve with your MitID chip"),
}
