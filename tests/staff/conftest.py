"""Fixtures for the staff side: Borgerservice, Support and a superuser, logged in with OTP."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cpr.models import RegisteredPerson
from tests.factories import IdentityFactory

from .helpers import english_client, log_in_staff, staff_member


@pytest.fixture
def borgerservice(db: None) -> User:
    return staff_member("birgit", "Borgerservice")


@pytest.fixture
def support(db: None) -> User:
    return staff_member("sune", "Support")


@pytest.fixture
def superuser(db: None) -> User:
    return staff_member("root", superuser=True)


@pytest.fixture
def desk(borgerservice: User) -> Client:
    """Borgerservice's browser, in English."""
    return log_in_staff(english_client(), borgerservice)


@pytest.fixture
def phone_support(support: User) -> Client:
    """Support's browser, in English."""
    return log_in_staff(english_client(), support)


@pytest.fixture
def jonas() -> object:
    RegisteredPerson.objects.create(
        cpr="1505831235",
        given_name="Jonas",
        family_name="Jensen",
        street="Vestergade 12",
        postcode="7400",
        city="Herning",
    )
    return IdentityFactory(cpr="1505831235", user_id="J()nas Jen5en")
