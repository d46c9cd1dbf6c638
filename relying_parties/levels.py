"""The NSIS assurance levels as OpenID Connect `acr` values, and the ways in as `amr`."""

from authenticators.models import AssuranceLevel

LOA = "https://data.gov.dk/concept/core/nsis/loa/"
ACR: dict[str, str] = {
    AssuranceLevel.LOW: f"{LOA}Low",
    AssuranceLevel.SUBSTANTIAL: f"{LOA}Substantial",
    AssuranceLevel.HIGH: f"{LOA}High",
}
LEVEL_OF_ACR: dict[str, str] = {acr: level for level, acr in ACR.items()}
ORDER: list[str] = [AssuranceLevel.LOW, AssuranceLevel.SUBSTANTIAL, AssuranceLevel.HIGH]
HIGH = AssuranceLevel.HIGH  # raised at Borgerservice only


def at_least(achieved: str, asked: str) -> bool:
    return ORDER.index(achieved) >= ORDER.index(asked)
