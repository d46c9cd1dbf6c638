"""`{{ number|phone_number }}`: a stored E.164 phone number in a form citizens can read."""

from django import template

from pages.phones import readable_phone_number

register = template.Library()


@register.filter
def phone_number(value: object) -> str:
    return readable_phone_number(str(value)) if value else ""
