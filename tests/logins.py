"""A browser (Django's test client) logged in with MitID, as the login pages leave it."""

from datetime import datetime, timedelta

from django.test import Client
from django.utils import timezone

from authenticators.models import Identity
from login import session


def log_in_with_mitid(
    client: Client,
    identity: Identity,
    device: object,
    *,
    method: str = "code_device",
    at: datetime | None = None,
    minutes_ago: int = 0,
) -> Client:
    """`client` logged in as `identity` with `device` (`method` its way in), `minutes_ago` or
    `at`."""
    client.force_login(identity.ensure_user())
    stored = client.session
    stored[session.LOGGED_IN_KEY] = {
        "identity": identity.pk,
        "method": method,
        "authenticator": "",
        "level": identity.level,
        "device": device.persistent_id,  # type: ignore[attr-defined]
        "at": (at or timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
    }
    stored.save()
    return client
