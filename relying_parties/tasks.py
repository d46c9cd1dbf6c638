"""Celery tasks of the relying parties: the beat's housekeeping."""

from celery import shared_task
from oauth2_provider.models import clear_expired


@shared_task
def clear_expired_tokens() -> None:
    """django-oauth-toolkit's `cleartokens`: access tokens and ID tokens past their time (ten
    minutes, `OIDC_ACCESS_TOKEN_SECONDS`), one of each a party's login, kept for ever
    otherwise. The party's login stays, for the citizen's history and a code that comes
    again (`PartyLogin`: its links to them become empty)."""
    clear_expired()
