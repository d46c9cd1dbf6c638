"""What a citizen is told when a party's request cannot go on, by code; and the JSON a party's
server is answered with when its request is refused."""

from django.http import JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from authenticators.models import AssuranceLevel

from .endpoints import SERVER_PATHS

CLIENT_ERRORS = {
    "unknown_client": _(
        "The service that sent you here is not registered to use MitID, so we cannot log you "
        "in to it. You have not been logged in. Go back to the service, or contact it."
    ),
    "invalid_request": _(
        "The service that sent you here sent MitID a request that is not valid, so we cannot "
        "log you in to it. You have not been logged in. Go back to the service, or contact it."
    ),
    "unregistered_redirect_uri": _(
        "The service that sent you here asked us to send you on to an address it has not "
        "registered with MitID. To protect you, we do not send you there. You have not been "
        "logged in."
    ),
}

# The person's MitID is at the level, the authenticator logged in with is not (one added
# later, as the app copied to a new phone, is at Substantial): no Borgerservice visit helps.
DEVICE_LEVEL_ADVICE = _(
    "Your MitID is at the level the service asks for, but the authenticator you logged in "
    "with is not. Log in again with another of your authenticators: one you got at a "
    "Borgerservice office, or had when your MitID was raised to High."
)

LEVEL_ADVICE: dict[str, Promise] = {
    AssuranceLevel.LOW: _("Log in with an authenticator that is in use."),
    AssuranceLevel.SUBSTANTIAL: _(
        "Log in with the MitID app, a code display or a code reader. If you have none of "
        "them, get one from your MitID overview or at a Borgerservice office."
    ),
    AssuranceLevel.HIGH: _(
        "To raise your MitID to level High, bring your passport or driving licence to a "
        "Borgerservice office. They check your ID and raise the level at once."
    ),
}


# The endpoints a party's server calls, not a browser: their refusals are JSON (RFC 6749
# section 5.2), Django's own before any view too (a body too large, too many fields).
MACHINE_PATHS = (*sorted(SERVER_PATHS), "/.well-known/")


def is_machine_endpoint(path: str) -> bool:
    return path.startswith(MACHINE_PATHS)


def machine_error(error: str, description: str = "", status: int = 400) -> JsonResponse:
    """An OAuth error as JSON, never stored."""
    answer = {"error": error, **({"error_description": description} if description else {})}
    response = JsonResponse(answer, status=status)
    response["Cache-Control"] = "no-store"
    return response
