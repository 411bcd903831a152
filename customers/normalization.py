"""Normal forms of phone numbers and e-mail addresses, used to find the same person twice.

Phones become digits only with the country code (`+86 138-0013-8000` and `13800138000` are both
`8613800138000`); numbers that `phonenumbers` cannot parse keep their digits as given.
"""

import re

import phonenumbers
from django.conf import settings

_NON_DIGITS = re.compile(r"\D+")


def digits_only(value: str) -> str:
    return _NON_DIGITS.sub("", value or "")


def normalize_phone(raw: str, region: str | None = None) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    region = region or settings.PHONE_DEFAULT_REGION
    candidate = "+" + raw[2:] if raw.startswith("00") else raw
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return digits_only(raw)
    if not phonenumbers.is_possible_number(parsed):
        return digits_only(raw)
    return f"{parsed.country_code}{parsed.national_number}"


def is_plausible_phone(raw: str, region: str | None = None) -> bool:
    """True when `raw` could be a phone number (right length for its country, digits only)."""
    return check_phone(raw, region) is not None


def check_phone(raw: str, region: str | None = None) -> str | None:
    """The normalized number when `raw` could be a phone number (digits only, a possible
    length for its country), None when it cannot, "" when blank; one parse per number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if re.search(r"[^\d\s()+\-./]", raw):
        return None
    candidate = "+" + raw[2:] if raw.startswith("00") else raw
    try:
        parsed = phonenumbers.parse(candidate, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return f"{parsed.country_code}{parsed.national_number}"


def validate_phone(value: str) -> None:
    """Model-field validator: reject text that cannot be a phone number."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not is_plausible_phone(value):
        raise ValidationError(
            _("Enter a valid phone number, such as 138 0013 8000 or +1 415 555 0100."),
            code="invalid_phone",
        )


def normalize_email(raw: str) -> str:
    return (raw or "").strip().lower()
