"""factory_boy factories for the simulators' records."""

import factory

from cpr.models import RegisteredPerson
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
