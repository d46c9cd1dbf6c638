"""The Demo Bank's registration, for seed_demo: the same client ID and secret every time."""

from django.conf import settings
from oauth2_provider.models import get_application_model

from . import services
from .models import RelyingParty


def seed_demo_bank() -> RelyingParty:
    """Register the Demo Bank, or bring its addresses and secret up to date."""
    origins = settings.DEMO_BANK_ORIGINS
    redirect_uris = [f"{origin}/demo-bank/callback/" for origin in origins]
    logged_out = [f"{origin}/demo-bank/logged-out/" for origin in origins]
    Application = get_application_model()
    application = Application.objects.filter(client_id=settings.DEMO_BANK_CLIENT_ID).first()
    if application is None:
        return services.register_party(
            name="Demo Bank",
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=logged_out,
            scopes=["openid", "profile"],
            client_id=settings.DEMO_BANK_CLIENT_ID,
            client_secret=settings.DEMO_BANK_CLIENT_SECRET,
        ).party
    application.redirect_uris = " ".join(redirect_uris)
    application.post_logout_redirect_uris = " ".join(logged_out)
    application.client_secret = settings.DEMO_BANK_CLIENT_SECRET  # hashed again on save
    application.save()
    party, _made = RelyingParty.objects.get_or_create(application=application)
    return party
