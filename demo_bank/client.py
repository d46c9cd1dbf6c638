"""The bank's OpenID Connect client: Authlib, configured from the portal's discovery document.

The bank knows nothing of the portal's code: only its address (the same server, in the demo),
the client ID and secret it was registered with, and what discovery says.
"""

from functools import cache

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings

NAME = "mitid"
ACR_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"


@cache
def client_for(portal: str) -> DjangoOAuth2App:
    """One client per portal address (localhost and 127.0.0.1 are two issuers)."""
    oauth = OAuth()
    app: DjangoOAuth2App = oauth.register(
        name=NAME,
        client_id=settings.DEMO_BANK_CLIENT_ID,
        client_secret=settings.DEMO_BANK_CLIENT_SECRET,
        server_metadata_url=f"{portal}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid profile",
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
        },
    )
    return app
