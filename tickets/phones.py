"""Which phone numbers a team calls back: pure functions of (number, countries).

Toll fraud (issue 13): a callback form that dials whatever it is given lets anyone make
the team call premium-rate lines (+1 900, +44 909), satellite phones (+881) or far-away
countries, and be paid for the minutes. So a callback number must be

* of a type people answer themselves: fixed line, mobile, or fixed-line-or-mobile (the
  North American plan does not tell those two apart). Premium-rate, shared-cost, VoIP,
  pager, personal, UAN and voicemail numbers are refused, and so are toll-free numbers:
  calling one costs us nothing extra, but an 800 number is a business's line, not the
  customer's own phone, and the callback is a conversation with that customer;
* in one of the countries the team calls (``Team.callback_countries``). This also keeps
  out the Caribbean "one-ring" numbers that share +1 with the US (+1 876 is Jamaica) and
  the non-geographic satellite codes (+881, region "001").

Numbers written without a country code are read as numbers of the team's first country.
"""

from __future__ import annotations

import functools

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext
from phonenumbers import PhoneNumberType, geocoder

DEFAULT_COUNTRIES = ("US",)
ACCEPTED_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE,
                            PhoneNumberType.FIXED_LINE_OR_MOBILE})
MAX_LENGTH = 40
# English names that read with "the" ("in the United States"); other languages' names come
# from phonenumbers' own translations, used as they are.
_WITH_THE = frozenset({"US", "GB", "NL", "PH", "BS", "GM", "AE", "CZ", "DO", "CF", "CD", "CG", "MV", "SC",
                       "KM", "MH", "SB", "VG", "VI", "KY", "FO", "TC", "FK", "VA", "IM"})


def parse_countries(value: str) -> list[str]:
    """``"us, ca"`` → ``["US", "CA"]``: ISO 3166 codes in the order written, each once."""
    codes = [code.upper() for code in value.replace(",", " ").split()]
    return list(dict.fromkeys(codes))


def validate_countries(value: str) -> None:
    """At least one code, each a country with a phone numbering plan (ISO 3166, e.g. US)."""
    codes = parse_countries(value)
    if not codes:
        raise ValidationError("Name at least one country, e.g. US.", code="no_country")
    unknown = [code for code in codes if code not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise ValidationError(
            "%(codes)s: not a country code with phone numbers; use ISO codes such as US, CA or GB.",
            code="unknown_country", params={"codes": ", ".join(unknown)})


def country_name(code: str) -> str:
    """The country's name in the active language, as phonenumbers names it ("the United States")."""
    language = (get_language() or "en").split("-")[0]
    example = phonenumbers.example_number(code)
    name = (geocoder.country_name_for_number(example, language) if example else "") or code
    return f"the {name}" if language == "en" and code in _WITH_THE else name


def accepted_numbers_message(countries) -> str:
    """The plain sentence saying which numbers are called back."""
    return gettext("We can call mobile and landline numbers in %(countries)s.") % {
        "countries": get_text_list([country_name(code) for code in countries], gettext("and"))}


def phone_help_text(countries) -> str:
    """The phone field's help: whose numbers are called, and how to write them."""
    return _help_text(tuple(countries), get_language())


# Asked on every render of the cancel-flow form, for the same few countries: 0.2 ms of
# phonenumbers' metadata and name lookups each time, so kept per (countries, language).
@functools.lru_cache(maxsize=64)
def _help_text(countries: tuple[str, ...], language: str | None) -> str:
    names = get_text_list([country_name(code) for code in countries], gettext("or"))
    text = gettext("Mobile or landline in %(countries)s, as you usually write it.") % {"countries": names}
    calling_codes = {phonenumbers.country_code_for_region(code) for code in countries}
    if len(calling_codes) > 1:  # numbers of the other countries are not read as national ones
        text += " " + gettext("Outside %(country)s, start with + and the country code.") % {
            "country": country_name(countries[0])}
    # Shown unescaped with the field (help texts may hold markup); the names are not ours.
    return escape(text)


def example_number(countries) -> str:
    """A mobile number of the first country, as people there write it."""
    number = phonenumbers.example_number_for_type(countries[0], PhoneNumberType.MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) if number else ""


def normalise_phone(value: str, countries=DEFAULT_COUNTRIES) -> str:
    """Any way people write a phone number the team calls → E.164 (+14155552671), or a ValidationError."""
    countries = list(countries) or list(DEFAULT_COUNTRIES)
    example = example_number(countries)
    invalid = ValidationError(gettext("Enter a phone number we can call, such as %(example)s.") % {"example": example}
                              if example else gettext("Enter a phone number we can call."), code="invalid_phone")
    if len(value) > MAX_LENGTH:
        raise invalid
    try:
        number = phonenumbers.parse(value, countries[0])
    except phonenumbers.NumberParseException:
        raise invalid from None
    if not phonenumbers.is_valid_number(number):
        raise invalid
    if phonenumbers.region_code_for_number(number) not in countries:
        raise ValidationError(accepted_numbers_message(countries), code="phone_country_not_called")
    if phonenumbers.number_type(number) not in ACCEPTED_TYPES:
        raise ValidationError(accepted_numbers_message(countries), code="phone_type_not_called")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
