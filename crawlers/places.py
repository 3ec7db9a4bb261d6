"""Places as job boards write them: US states, Canadian provinces, common countries.

`pycountry` is not installed and the project adds no dependency for this; Babel (installed,
under courlan) knows every territory name but not US states or Canadian provinces, and matching
any of 250 names would misread "Georgia" or "Jersey". So the tables are here, short on purpose:
the places that postings in our communities actually name, with the spellings they use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
CA_PROVINCES = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}
# Lower-case spelling (dots removed) -> ISO 3166-1 alpha-2. English names, the names the
# country uses itself, and the usual abbreviations (UK is not ISO but everyone writes it).
COUNTRIES = {
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "us": "US",
    "canada": "CA",
    "united kingdom": "GB",
    "uk": "GB",
    "gb": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "ireland": "IE",
    "germany": "DE",
    "deutschland": "DE",
    "france": "FR",
    "spain": "ES",
    "españa": "ES",
    "italy": "IT",
    "italia": "IT",
    "portugal": "PT",
    "netherlands": "NL",
    "the netherlands": "NL",
    "nederland": "NL",
    "holland": "NL",
    "belgium": "BE",
    "belgië": "BE",
    "belgique": "BE",
    "switzerland": "CH",
    "schweiz": "CH",
    "suisse": "CH",
    "austria": "AT",
    "österreich": "AT",
    "sweden": "SE",
    "sverige": "SE",
    "norway": "NO",
    "norge": "NO",
    "denmark": "DK",
    "danmark": "DK",
    "finland": "FI",
    "suomi": "FI",
    "poland": "PL",
    "polska": "PL",
    "czech republic": "CZ",
    "czechia": "CZ",
    "australia": "AU",
    "new zealand": "NZ",
    "india": "IN",
    "singapore": "SG",
    "hong kong": "HK",
    "japan": "JP",
    "china": "CN",
    "south korea": "KR",
    "mexico": "MX",
    "méxico": "MX",
    "brazil": "BR",
    "brasil": "BR",
    "argentina": "AR",
    "south africa": "ZA",
    "israel": "IL",
    "united arab emirates": "AE",
    "uae": "AE",
    "philippines": "PH",
}
# ISO codes accepted when written as codes ("Berlin, DE"). A code that is also a US state
# (CA, DE, IN, CO, AR...) is read as a state after a city, as a country only after a region.
COUNTRY_CODES = frozenset(COUNTRIES.values())
# Country -> its dollar, for a bare "$" (crawlers.enrichment.salary): elsewhere "$" names no
# currency.
DOLLAR_COUNTRIES = {
    "US": "USD",
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "SG": "SGD",
    "HK": "HKD",
}

_STATE_NAMES = {name.lower(): code for code, name in US_STATES.items()}
_PROVINCE_NAMES = {name.lower(): code for code, name in CA_PROVINCES.items()}
_PROVINCE_NAMES["québec"] = "QC"
# A single word that is both a state and a country (or a city): not a place we are sure of.
_AMBIGUOUS_ALONE = frozenset({"georgia", "washington", "new york"})
_POSTCODE = re.compile(r"\s+(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)$")


@dataclass(frozen=True)
class Place:
    """What a posted location says for sure; empty strings where it does not."""

    city: str = ""
    region: str = ""
    country: str = ""


def _key(part: str) -> str:
    return part.replace(".", "").strip().lower()


def country_code(part: str) -> str:
    """ISO-2 code of a country name, alias or code ("UK" -> "GB"), or ""."""
    key = _key(part)
    if key in COUNTRIES:
        return COUNTRIES[key]
    upper = key.upper()
    return upper if len(upper) == 2 and upper in COUNTRY_CODES else ""


def us_state(part: str) -> str:
    """Two-letter code of a US state or territory written as code or name, or ""."""
    key = _key(_POSTCODE.sub("", part.strip()))
    return key.upper() if key.upper() in US_STATES else _STATE_NAMES.get(key, "")


def ca_province(part: str) -> str:
    """Two-letter code of a Canadian province written as code or name, or ""."""
    key = _key(_POSTCODE.sub("", part.strip()))
    return key.upper() if key.upper() in CA_PROVINCES else _PROVINCE_NAMES.get(key, "")


def split_location(text: str) -> Place:
    """City, region and country of "Denver, CO", "Toronto, ON, Canada", "London, UK"...

    Only what the text settles: "Portland" alone is no place we know, "Denver, CO" is the US.
    Work-mode words ("Remote", "(Hybrid)") must be removed by the caller first.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > 6:
        return Place()
    if len(parts) == 1:
        return _single(parts[0])
    return _with_region(parts) or _with_country(parts) or Place()


def _single(part: str) -> Place:
    key = _key(part)
    if key in _AMBIGUOUS_ALONE:
        return Place()
    if key in COUNTRIES:  # of two-letter codes alone, only "US", "UK" and "GB": "IT" is a job
        return Place(country=COUNTRIES[key])
    if key in _STATE_NAMES:
        return Place(region=_STATE_NAMES[key], country="US")
    if key in _PROVINCE_NAMES:
        return Place(region=_PROVINCE_NAMES[key], country="CA")
    return Place()


def _with_region(parts: list[str]) -> Place | None:
    """'City, ST' (and 'Street, City, ST'): the last part is a state or a province."""
    last = parts[-1]
    if len(parts) > 2 and (us_state(parts[-2]) or ca_province(parts[-2])):
        return None  # "Toronto, ON, CA": the last part is a country after a region
    if state := us_state(last):
        return Place(_city(parts[-2]), state, "US")
    if province := ca_province(last):
        return Place(_city(parts[-2]), province, "CA")
    return None


def _with_country(parts: list[str]) -> Place | None:
    """'City, Country' and 'City, Region, Country'."""
    country = country_code(parts[-1])
    if not country:
        return None
    if len(parts) == 2:
        return Place(_city(parts[0]), "", country)
    region = parts[-2]
    if country == "US":
        region = us_state(region)
    elif country == "CA":
        region = ca_province(region)
    return Place(_city(parts[-3]), region, country)


def _city(part: str) -> str:
    """A city name, not a street address or a postcode."""
    return "" if any(ch.isdigit() for ch in part) or len(part) > 60 else part
