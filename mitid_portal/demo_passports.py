"""Demo passports for the demo people, one person who never had NemID, and one with a P-code.

`seed_demo` calls it. The passports are files under `PASSPORT_DEMO_DIR` that the app
simulators read; their chips are signed by a demo CSCA made on this machine (its private key
stays there; its certificate is what the chip check trusts). A forged passport (its CSCA is
nobody's) and an altered one (another face in DG2) are written beside them, to be refused.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cpr.models import PCodePerson, RegisteredPerson
from passports import demo


@dataclass(frozen=True)
class DemoPassport:
    file: str
    number: str  # CPR number or P-code
    given_name: str
    family_name: str
    birth_date: datetime.date
    sex: str
    passport_number: str
    nationality: str = "DNK"


DEMO_PASSPORTS = (
    DemoPassport(
        "jonas-jensen",
        "1505831235",
        "Jonas",
        "Jensen",
        datetime.date(1983, 5, 15),
        "M",
        "208315051",
    ),
    DemoPassport(
        "karen-hansen", "0203754322", "Karen", "Hansen", datetime.date(1975, 3, 2), "F", "207503021"
    ),
    DemoPassport(
        "poul-nielsen",
        "1107481109",
        "Poul",
        "Nielsen",
        datetime.date(1948, 7, 11),
        "M",
        "194807111",
    ),
    # Sofie never had NemID: the passport road (or Borgerservice) is her way to MitID.
    DemoPassport(
        "sofie-holm", "0804044128", "Sofie", "Holm", datetime.date(2004, 4, 8), "F", "220404081"
    ),
    # Ana has no CPR number; MitID knows her by a P-code. Her passport is ICAO's specimen.
    DemoPassport(
        "ana-lima", "P10293847", "Ana", "Lima", datetime.date(1990, 8, 12), "F", "L898902C3", "UTO"
    ),
)


def _holder(person: DemoPassport, *, expiry: datetime.date) -> demo.Holder:
    return demo.Holder(
        surname=person.family_name,
        given_names=person.given_name,
        document_number=person.passport_number,
        nationality=person.nationality,
        birth_date=person.birth_date,
        sex=person.sex,
        expiry_date=expiry,
        issuing_state=person.nationality,
    )


@transaction.atomic
def seed_register() -> None:
    """Sofie in the CPR register (no NemID), Ana's P-code, and everyone's passport number."""
    RegisteredPerson.objects.update_or_create(
        cpr="0804044128",
        defaults={
            "given_name": "Sofie",
            "family_name": "Holm",
            "street": "Bredgade 3, 1. tv.",
            "postcode": "7400",
            "city": "Herning",
        },
    )
    PCodePerson.objects.update_or_create(
        p_code="P10293847",
        defaults={
            "given_name": "Ana",
            "family_name": "Lima",
            "birth_date": datetime.date(1990, 8, 12),
            "nationality": "UTO",
            "passport_number": "L898902C3",
            "street": "Nørregade 8",
            "postcode": "7400",
            "city": "Herning",
        },
    )
    for person in DEMO_PASSPORTS:
        RegisteredPerson.objects.filter(cpr=person.number).update(
            passport_number=person.passport_number
        )


def seed_demo_passports(directory: Path | None = None) -> list[Path]:
    """Write the demo passports (valid 10 years from today), a forged and an altered one."""
    directory = Path(directory or settings.PASSPORT_DEMO_DIR)
    seed_register()
    expiry = timezone.localdate().replace(day=1) + datetime.timedelta(days=3650)
    signers = {country: demo.demo_signer(country) for country in ("DNK", "UTO")}
    written = []
    for person in DEMO_PASSPORTS:
        passport = demo.issue_passport(
            _holder(person, expiry=expiry), signers[person.nationality], face_seed=person.file
        )
        written.append(demo.write_passport(directory / f"{person.file}.json", passport))
    sofie = DEMO_PASSPORTS[3]
    forged = demo.issue_passport(
        _holder(sofie, expiry=expiry), demo.forged_signer("DNK"), face_seed=sofie.file
    )
    written.append(demo.write_passport(directory / "forged-sofie-holm.json", forged))
    altered = demo.issue_passport(
        _holder(sofie, expiry=expiry), signers["DNK"], face_seed=sofie.file
    )
    # Someone else's face put into the chip after it was signed: DG2 no longer hashes right.
    altered["dg2"] = demo.issue_passport(
        _holder(sofie, expiry=expiry), signers["DNK"], face_seed="someone-else"
    )["dg2"]
    altered["face"] = demo.issue_passport(
        _holder(sofie, expiry=expiry), signers["DNK"], face_seed="someone-else"
    )["face"]
    written.append(demo.write_passport(directory / "altered-sofie-holm.json", altered))
    return written
