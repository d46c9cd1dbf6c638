"""Benchmark people: identities with an activated app, keys in memory, logins waiting."""

from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric import ec

PIN = "246810"


@dataclass
class Phone:
    user_id: str
    key_id: str
    private_key: ec.EllipticCurvePrivateKey


def make_phones(count: int, prefix: str) -> list[Phone]:
    """`count` active identities, each with an active app whose PIN is PIN."""
    from authenticators import app_keys
    from authenticators.models import AppDevice, Identity

    first = Identity.objects.count()
    identities = Identity.objects.bulk_create(
        Identity(
            cpr=f"8{first + n:09d}",
            user_id=f"{prefix} {first + n}",
            user_id_key=f"{prefix} {first + n}",
            status=Identity.Status.ACTIVE,
        )
        for n in range(count)
    )
    from django.contrib.auth.models import User

    users = User.objects.bulk_create(
        User(username=f"mitid-{identity.pk}", password="!") for identity in identities
    )
    for identity, user in zip(identities, users, strict=True):
        identity.account = user
    Identity.objects.bulk_update(identities, ["account"])
    keys = [app_keys.new_private_key() for _ in identities]
    devices = []
    for identity, key in zip(identities, keys, strict=True):
        device = AppDevice(
            identity=identity,
            user=identity.account,
            name="Bench phone",
            installation_id=__import__("uuid").uuid4(),
            public_key=app_keys.public_key_to_b64(key.public_key()),
            status="active",
            notifications_accepted=True,
        )
        device.set_pin(PIN)
        devices.append(device)
    AppDevice.objects.bulk_create(devices)
    return [
        Phone(identity.user_id, str(device.key_id), key)
        for identity, device, key in zip(identities, devices, keys, strict=True)
    ]


def waiting_sessions(logins: list["object"]) -> list[str]:
    """A browser session waiting on each login (its session key)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from login import session as login_session

    store = SessionStore()
    rows = []
    for login in logins:
        data = {
            login_session.PENDING_KEY: {
                "user_id": login.typed_user_id,  # type: ignore[attr-defined]
                "next_url": "/",
                "app_login": str(login.token),  # type: ignore[attr-defined]
            }
        }
        rows.append(
            Session(
                session_key=store._get_new_session_key(),
                session_data=store.encode(data),
                expire_date=timezone.now() + timedelta(days=1),
            )
        )
    Session.objects.bulk_create(rows)
    return [row.session_key for row in rows]
