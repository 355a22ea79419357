"""Validators shared by forms, imports and services: countries, phones, emails, zones, links."""

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email


class Invalid(ValueError):
    """A value that cannot be accepted; the message is meant for the user."""


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → common name, sorted by the name as a reader looks for it
    (Åland Islands under A, Côte d'Ivoire under C)."""
    rows = sorted(
        ((c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries),
        key=lambda r: sort_key(r[1]),
    )
    return dict(rows)


def sort_key(text: str) -> str:
    """`text` without accents and case, for sorting names the way a reader expects."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def country_name(code: str | None) -> str:
    if not code:
        return "International"
    return countries().get(code.upper(), code)


def _given(value: str | None, required: bool, missing: str) -> str:
    """`value` stripped; "" when blank and optional; Invalid(`missing`) when blank and required."""
    value = (value or "").strip()
    if not value and required:
        raise Invalid(missing)
    return value


def normalise_country(value: str | None, required: bool = False) -> str | None:
    """An ISO 3166 alpha-2 code (upper case), or None when blank and not required."""
    value = _given(value, required, "Choose a country.")
    if not value:
        return None
    code = value.upper()
    if code in countries():
        return code
    raise Invalid(f"“{value}” is not an ISO 3166 country code (two letters, e.g. GB, DE, BR).")


@lru_cache(maxsize=512)
def language_name(code: str) -> str:
    """English name of an ISO 639-1 or 639-3 code ("pt" → "Portuguese"); the code if unknown."""
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    found = found or (pycountry.languages.get(alpha_3=code) if len(code) == 3 else None)
    return found.name if found else code


def normalise_phone(value: str, country: str | None = None) -> str:
    """E.164 (+441632960961). A number without + is read as national to `country`."""
    value = (value or "").strip()
    number, problem = _phone(value, country if not value.startswith("+") else None)
    if problem:
        raise Invalid(problem)
    return number


@lru_cache(maxsize=65536)
def _phone(value: str, region: str | None) -> tuple[str, str]:
    """(E.164, "") or ("", the problem) for one stripped value: parsing and validating a number costs
    about half a millisecond, and an import meets the same switchboard numbers again and again."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return "", f"“{value}” is not a phone number. Use the international form, e.g. +44 20 7946 0958."
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return "", f"“{value}” is not a valid phone number for its country."
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def display_phone(e164: str) -> str:
    """+441632960961 → +44 1632 960961, for reading."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


# The plain ASCII addresses most people have: checked by this pattern and their domain (once per
# domain), which gives email_validator's own answer at a fraction of its cost per address (imports
# check 100,000 of them). Anything else goes through email_validator whole.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_SIMPLE_EMAIL = re.compile(rf"^({_ATOM}(?:\.{_ATOM})*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")


@lru_cache(maxsize=4096)
def _email_domain(domain: str) -> str | None:
    """The normalised domain, when email_validator accepts an ordinary address at it; else None."""
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def normalise_email(value: str) -> str:
    """A syntactically valid address (no DNS lookup), in normalised form."""
    simple = _SIMPLE_EMAIL.match((value or "").strip())
    if simple and len(simple.group(1)) <= 64 and len(simple.group(0)) <= 254:
        domain = _email_domain(simple.group(2))
        if domain is not None:
            return f"{simple.group(1)}@{domain}"
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise Invalid(f"“{value}” is not a valid email address: {error}")


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def normalise_zone(value: str | None, required: bool = False) -> str | None:
    """An IANA time zone name, or None when blank and not required."""
    value = _given(value, required, "Choose a time zone.")
    if not value:
        return None
    if value not in time_zones():
        raise Invalid(f"“{value}” is not an IANA time zone (e.g. Europe/London, America/New_York).")
    try:
        ZoneInfo(value)
    except ZoneInfoNotFoundError:
        raise Invalid(f"“{value}” is not an IANA time zone.")
    return value


def normalise_url(value: str | None) -> str:
    """An http(s) URL with a real host, or empty. Other schemes (javascript:, file:) are refused."""
    value = (value or "").strip()
    if not value:
        return ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) and not re.match(r"^[^:/]+:\d+", value):
            raise Invalid(f"“{value}” is not a web address (http or https).")
        value = "https://" + value
    try:
        parts = urlsplit(value)  # raises ValueError for a bracketed host that is not an IPv6 address
    except ValueError:
        raise Invalid(f"“{value}” is not a web address (http or https).") from None
    try:
        host = (parts.hostname or "").encode("idna").decode()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except (UnicodeError, ValueError):
        host = ""
    bad = (
        parts.scheme.lower() not in ("http", "https")
        or not re.fullmatch(r"[a-z0-9.-]+", host)
        or "." not in host
        or any(c.isspace() for c in value)
    )
    if bad:
        raise Invalid(f"“{value}” is not a web address (http or https).")
    return value
