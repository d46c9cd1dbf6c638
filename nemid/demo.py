"""The demo people: in the CPR register and with a NemID, so the portal can be tried at once."""

from dataclasses import dataclass

from django.db import transaction

from cpr.models import RegisteredPerson

from .models import NemIDAccount


@dataclass(frozen=True)
class DemoPerson:
    cpr: str
    given_name: str
    family_name: str
    street: str
    postcode: str
    city: str
    nemid_user_id: str
    nemid_password: str


DEMO_PEOPLE = (
    DemoPerson(
        "1505831235",
        "Jonas",
        "Jensen",
        "Vestergade 12, 2. th.",
        "7400",
        "Herning",
        "Jonas1983",
        "Nemid-Jonas-1983",
    ),
    DemoPerson(
        "0203754322",
        "Karen",
        "Hansen",
        "Søndergade 4",
        "8000",
        "Aarhus C",
        "karen.h",
        "Nemid-Karen-1975",
    ),
    # Poul's NemID user-ID is his CPR number, which MitID does not reserve for him.
    DemoPerson(
        "1107481109",
        "Poul",
        "Nielsen",
        "Aqqusinersuaq 17",
        "3900",
        "Nuuk",
        "1107481109",
        "Nemid-Poul-1948",
    ),
)


@transaction.atomic
def seed_demo_people() -> list[NemIDAccount]:
    """Create or refresh the demo people; key cards and used codes are kept as they are."""
    accounts = []
    for person in DEMO_PEOPLE:
        RegisteredPerson.objects.update_or_create(
            cpr=person.cpr,
            defaults={
                "given_name": person.given_name,
                "family_name": person.family_name,
                "street": person.street,
                "postcode": person.postcode,
                "city": person.city,
            },
        )
        account = NemIDAccount.objects.filter(cpr=person.cpr).first() or NemIDAccount(
            cpr=person.cpr
        )
        account.user_id = person.nemid_user_id
        if not account.password or not account.check_password(person.nemid_password):
            account.set_password(person.nemid_password)
        account.failed_attempts = 0
        account.locked_until = None
        account.save()
        accounts.append(account)
    return accounts
