"""Staff in tests: users in a group, verified by their own TOTP device like a real login."""

from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

CHANGELIST = "/admin/{app}/{model}/"


def staff_member(username: str, *groups: str, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username, password="Staff-pass-2026", is_staff=True, is_superuser=superuser
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def log_in_staff(client: Client, user: User) -> Client:
    """As if the staff member had typed their password and the code of their TOTP device."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, codedevice__isnull=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def english_client(**options: object) -> Client:
    return Client(headers={"accept-language": "en"}, **options)  # type: ignore[arg-type]
