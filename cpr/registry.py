"""The interface to the CPR register and the function that returns the configured one."""

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class CPRRecord:
    cpr: str
    given_name: str
    family_name: str
    street: str
    postcode: str
    city: str
    birth_date: datetime.date

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def address_lines(self) -> tuple[str, str]:
        return (self.street, f"{self.postcode} {self.city}")


class CPRRegistry(Protocol):
    def lookup(self, cpr: str) -> CPRRecord | None:
        """The person registered under this CPR number, or None."""


@cache
def get_registry() -> CPRRegistry:
    registry: CPRRegistry = import_string(settings.CPR_REGISTRY)()
    return registry
