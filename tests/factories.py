"""factory_boy factories for the simulators' records."""

import uuid
from datetime import timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from authenticators import app_keys
from authenticators.models import (
    AppDevice,
    AuthenticatorStatus,
    CodeDevice,
    HardwareToken,
    Identity,
)
from authenticators.user_ids import normalise_user_id
from cpr.models import RegisteredPerson
from enrollment.models import DeviceOrder, EnrollmentCase
from messaging.models import Channel, OutboxMessage
from nemid.models import NemIDAccount


class RegisteredPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisteredPerson
        django_get_or_create = ("cpr",)

    cpr = factory.Sequence(lambda n: f"0101{80 + n % 20:02d}{1000 + n:04d}")
    given_name = factory.Faker("first_name", locale="da_DK")
    family_name = factory.Faker("last_name", locale="da_DK")
    street = factory.Faker("street_address", locale="da_DK")
    postcode = "8000"
    city = "Aarhus C"


class NemIDAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NemIDAccount
        skip_postgeneration_save = True

    user_id = factory.Sequence(lambda n: f"citizen{n}")
    cpr = factory.LazyAttribute(lambda _: RegisteredPersonFactory().cpr)
    password = factory.PostGenerationMethodCall("set_password", "correct-password")

    @factory.post_generation
    def _save(obj: NemIDAccount, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    channel = Channel.SMS
    sender = "MitID"
    recipient = "+4512345678"
    body = "Hello"


class IdentityFactory(factory.django.DjangoModelFactory):
    """An active MitID identity at level Substantial."""

    class Meta:
        model = Identity

    cpr = factory.Sequence(lambda n: f"0202{80 + n % 20:02d}{2000 + n:04d}")
    user_id = factory.Sequence(lambda n: f"Citizen {n}")
    user_id_key = factory.LazyAttribute(lambda identity: normalise_user_id(identity.user_id))
    status = Identity.Status.ACTIVE


class AppDeviceFactory(factory.django.DjangoModelFactory):
    """An active app installation; its private key is on `device.private_key` (tests only)."""

    class Meta:
        model = AppDevice

    private_key = factory.LazyFunction(app_keys.new_private_key)
    identity = factory.SubFactory(IdentityFactory)
    user = factory.LazyAttribute(lambda device: device.identity.ensure_user())
    name = "Phone"
    installation_id = factory.LazyFunction(uuid.uuid4)
    public_key = factory.LazyAttribute(
        lambda device: app_keys.public_key_to_b64(device.private_key.public_key())
    )
    pin_hash = factory.LazyFunction(lambda: make_password("246810"))
    notifications_accepted = True
    status = AuthenticatorStatus.ACTIVE

    @classmethod
    def _create(cls, model_class: type[AppDevice], *args: object, **kwargs: object) -> AppDevice:
        private_key = kwargs.pop("private_key", None)
        device = super()._create(model_class, *args, **kwargs)
        device.private_key = private_key
        return device


def active_code_device(
    identity: Identity,
    *,
    password: str = "Karens kodeord 7",  # noqa: S107 - a test person's password
) -> CodeDevice:
    """An active code display for `identity`, whose MitID password is `password`."""
    token = HardwareToken.objects.create(
        serial=f"KV{identity.pk:08d}", kind="kodeviser", assigned_to=identity
    )
    account = identity.ensure_user()
    account.set_password(password)
    account.save(update_fields=["password"])
    return CodeDevice.objects.create(
        identity=identity,
        user=account,
        name=token.serial,
        token=token,
        key=token.key,
        status=AuthenticatorStatus.ACTIVE,
    )


def karen_awaiting_a_code_display() -> Identity:
    """Karen, enrolling, has chosen a code display; her mobile number is confirmed."""
    identity = IdentityFactory(user_id="karen.h", language="en", status="pending")
    EnrollmentCase.objects.create(
        identity=identity,
        channel="mitid",
        status="submitted",
        method="kodeviser",
        mobile="+4520304050",
        mobile_confirmed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )
    return identity


def code_display_order(identity: Identity) -> DeviceOrder:
    """Her order of a code display by post, with one in stock (serial KV0000001)."""
    HardwareToken.objects.create(serial="KV0000001", kind="kodeviser")
    return DeviceOrder.objects.create(identity=identity, kind="kodeviser", delivery="post")


def jonas_activation_code(user_id: str = "J()nas Jen5en") -> str:
    """Jonas (a demo NemID person, `seed_demo_people`) has enrolled for the app: a confirmed
    mobile number, `user_id`, and an activation code, which is returned."""
    from enrollment import services as enrollment_services
    from enrollment import state
    from enrollment.flow import Channel as EnrollmentChannel
    from enrollment.flow import Method

    case = state.open_case(
        cpr="1505831235", nemid_user_id="Jonas1983", channel=EnrollmentChannel.MITID, language="en"
    ).case
    enrollment_services.choose_method(case, Method.APP)
    EnrollmentCase.objects.filter(pk=case.pk).update(
        mobile="+4520304050", mobile_confirmed_at=timezone.now(), contact_method="app"
    )
    case.refresh_from_db()
    enrollment_services.choose_user_id(case, user_id)
    return enrollment_services.issue_activation_code(case)[1]
