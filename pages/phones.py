"""Phone numbers as people read them: their own country's in national form, others with +code."""

import phonenumbers
from django.utils.translation import get_language

# The country whose numbers a reader of each language dials without a country code: a
# Greenlandic reader sees a Danish number with +45, a Danish reader a Greenlandic one with +299.
HOME_REGIONS = {"da": "DK", "en": "DK", "kl": "GL"}
DEFAULT_REGION = "DK"


def readable_phone_number(value: str, *, language: str | None = None) -> str:
    """`+4520123456` as `20 12 34 56` in Danish, `+45 20 12 34 56` in Greenlandic; anything
    that is not a phone number as given."""
    home = HOME_REGIONS.get(language or get_language() or "", DEFAULT_REGION)
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    if phonenumbers.region_code_for_number(number) == home:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
