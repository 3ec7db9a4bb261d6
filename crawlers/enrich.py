"""Comparable values derived from what parsers stored raw, in one place for every kind of source.

Parsers keep what the publisher wrote (crawlers/results.py lists the details keys); `enrich`
turns it into values a search filter can compare: location parts, one work mode, one employment
type, a salary with annual figures, instants in UTC. It never guesses: a part nothing states
stays unset. It is idempotent, so enriching an enriched item changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from catalog.records import ParsedItem
from crawlers.normalise import MAX_TITLE, clean_text
from crawlers.places import DOLLAR_COUNTRIES, Place, country_code, split_location

WORK_MODES = ("remote", "hybrid", "onsite")
EMPLOYMENT_TYPES = (
    "full-time",
    "part-time",
    "contract",
    "temporary",
    "internship",
    "volunteer",
    "per-diem",
    "other",
)
PERIODS = ("hour", "day", "week", "month", "year")
# Hours, days, weeks and months in a working year: how a rate becomes an annual figure.
PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
# Above this a posted annual figure is a typo or a trick (in the posted currency; currencies
# with small units get their own ceiling, as a yen salary runs into the millions).
MAX_ANNUAL = 10_000_000.0
MAX_ANNUAL_BY_CURRENCY = {"JPY": 1e9, "KRW": 1e10, "INR": 1e9, "HUF": 1e9, "CLP": 1e10}


def enrich(item: ParsedItem) -> ParsedItem:
    """A copy of `item` with cleaned short fields and derived details (see the module doc)."""
    details = dict(item.details)
    location = clean_text(item.location)
    title = clean_text(item.title, MAX_TITLE)
    _place(details, location)
    _work_mode(details, location, title)
    _employment_type(details)
    _salary(details)
    _instants(details)
    return replace(
        item,
        title=title,
        organisation=clean_text(item.organisation),
        location=location,
        details=details,
    )


# --- Location ------------------------------------------------------------------------------

_MODE_WORDS = (
    r"(?:fully\s+|100%\s*)?"
    r"(?:remote|hybrid|on-?site|anywhere|work(?:ing)?\s+from\s+home|wfh|telecommute)"
    r"(?:\s+(?:in|within|from|only|ok|friendly|eligible|first))?"
)
_MODE_IN_LOCATION = re.compile(rf"-?\b{_MODE_WORDS}\b-?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[()\[\]/|\u2013\u2014]|\s-\s|\bor\b")


def location_place(location: str) -> Place:
    """The place a posted location names once work-mode words are set aside.

    "Remote - US" is the US, "Chicago, IL (Hybrid)" is Chicago, "Anywhere" is no place.
    """
    return split_location(_SEPARATORS.sub(",", _MODE_IN_LOCATION.sub(",", location[:300])))


def names_a_location(text: str) -> bool:
    """True when `text` is nothing but a place and/or a work mode ("Denver, CO", "Remote").

    Used on title segments, so "Remote Sensing" or "Finance" are not locations.
    """
    text = text[:300]
    without_modes = _MODE_IN_LOCATION.sub(",", text)
    rest = _SEPARATORS.sub(",", without_modes).strip(" ,")
    if not rest:
        return without_modes != text
    return split_location(rest) != Place()


def _place(details: dict[str, Any], location: str) -> None:
    """City, region and country from the posted location, unless the source stated them."""
    if isinstance(details.get("country"), str):
        details["country"] = country_code(details["country"]) or details["country"]
    if any(details.get(key) for key in ("city", "region", "country")) or not location:
        return
    place = location_place(location)
    for key in ("city", "region", "country"):
        if value := getattr(place, key):
            details[key] = value


# --- Remote, hybrid or on site ---------------------------------------------------------------

_NOT_REMOTE = re.compile(r"\b(?:not|no|non)[\s-]remote\b", re.IGNORECASE)
_HYBRID = re.compile(r"\bhybrid\b", re.IGNORECASE)
_REMOTE = re.compile(
    r"\b(?:telecommut\w*|remote\w*|work(?:ing)?\s+from\s+home|wfh|anywhere|virtual|distributed)\b",
    re.IGNORECASE,
)
_ONSITE = re.compile(
    r"\b(?:on[\s-]?site|in[\s-]office|in[\s-]person|office[\s-]based)\b", re.IGNORECASE
)
_TITLE_SEGMENTS = re.compile(r"\s[-\u2013\u2014|/]\s|[,()\[\]]")
_MODE_SEGMENT = re.compile(
    r"(?:fully\s+|100%\s*)?(remote|hybrid|on-?site|wfh|work\s+from\s+home)"
    r"(?:\s+(?:ok|friendly|eligible|first|option|opportunity|position|role))?",
    re.IGNORECASE,
)


def work_mode(text: str) -> str:
    """The work mode `text` (a hint or a location) states: "remote", "hybrid", "onsite" or ""."""
    if _NOT_REMOTE.search(text):
        return "onsite"
    if _HYBRID.search(text):
        return "hybrid"
    if _REMOTE.search(text):
        return "remote"
    return "onsite" if _ONSITE.search(text) else ""


def _title_mode(title: str) -> str:
    """The mode a title states as a segment of its own: "Analyst (Remote)", "Remote - Analyst".

    "Remote Sensing Analyst" names a field, not a work mode, so a whole title never counts.
    """
    segments = [s.strip() for s in _TITLE_SEGMENTS.split(title) if s and s.strip()]
    if len(segments) < 2:
        return ""
    for segment in segments:
        if _MODE_SEGMENT.fullmatch(segment):
            return work_mode(segment)
    return ""


def _work_mode(details: dict[str, Any], location: str, title: str) -> None:
    """details["remote"] from the explicit hint, else the location, else the title; or unset."""
    hint = details.get("remote")
    mode = work_mode(hint) if isinstance(hint, str) else ""
    mode = mode or work_mode(location) or _title_mode(title)
    if mode:
        details["remote"] = mode
    else:
        details.pop("remote", None)


# --- Employment type ----------------------------------------------------------------------

_EMPLOYMENT_PATTERNS = (
    ("full-time", re.compile(r"\bfull\s*time\b|\bft\b|\bpermanent\s+full")),
    ("part-time", re.compile(r"\bpart\s*time\b|\bpt\b")),
    ("per-diem", re.compile(r"\bper\s*diem\b|\bprn\b")),
    ("internship", re.compile(r"\bintern(?:ship)?s?\b|\bco\s*op\b|\bpracticum\b")),
    ("contract", re.compile(r"\bcontract(?:or|ors|ual)?\b|\bfreelance\w*|\bconsultan\w*")),
    ("temporary", re.compile(r"\btemp(?:orary)?\b|\bseasonal\b|\binterim\b|\blocum\b")),
    ("volunteer", re.compile(r"\bvolunteer\w*|\bunpaid\b")),
    ("other", re.compile(r"\bother\b")),
)
_LIST_SEPARATORS = re.compile(r"[,;/|]|\s+or\s+|\s+and\s+|\s&\s")


def employment_type(raw: Any) -> str:
    """One of EMPLOYMENT_TYPES for "FULL_TIME", "Full Time", ["CONTRACTOR"], "Intern"...

    A list or "Full-time, Contract" gives its first known type: the publisher lists the main
    one first, and one value per posting keeps the facet counts honest. An unknown non-empty
    value is "other"; nothing at all is "".
    """
    values = raw if isinstance(raw, list | tuple) else [raw]
    tokens = [
        token
        for value in values
        if isinstance(value, str)
        for token in _LIST_SEPARATORS.split(value.lower().replace("_", " ").replace("-", " "))
        if token.strip()
    ]
    for token in tokens[:20]:
        for name, pattern in _EMPLOYMENT_PATTERNS:
            if pattern.search(token):
                return name
    return "other" if tokens else ""


def _employment_type(details: dict[str, Any]) -> None:
    if "employment_type" not in details:
        return
    if kind := employment_type(details["employment_type"]):
        details["employment_type"] = kind
    else:
        del details["employment_type"]


# --- Salary ---------------------------------------------------------------------------------

_CODES = frozenset({
    "USD", "CAD", "GBP", "EUR", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
    "INR", "JPY", "CNY", "SGD", "HKD", "MXN", "BRL", "ZAR", "ILS", "AED", "KRW", "CLP",
})  # fmt: skip
_PREFIXED_DOLLARS = {
    "US": "USD",
    "C": "CAD",
    "CA": "CAD",
    "CAD": "CAD",
    "CAN": "CAD",
    "A": "AUD",
    "AU": "AUD",
    "NZ": "NZD",
    "S": "SGD",
    "HK": "HKD",
    "MX": "MXN",
    "R": "BRL",
}
_SYMBOLS = {"£": "GBP", "€": "EUR", "₹": "INR", "₩": "KRW", "₪": "ILS"}
_CODE = re.compile(r"\b([A-Za-z]{3})\b")
_PREFIXED = re.compile(r"\b(US|CAD?|CAN|AU|NZ|HK|MX|[CASR])\$", re.IGNORECASE)
_CURRENCY_TOKEN = re.compile(
    r"\b(?:US|CAD?|CAN|AU|NZ|HK|MX|[CASR])\$|[$£€₹₩₪¥]|\b(?:" + "|".join(_CODES) + r")\b",
    re.IGNORECASE,
)
# 120,000 / 60.000 / 45 000 / 55.50 / 1,5: a separator before exactly three digits groups
# thousands, before one or two digits it is the decimal point.
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?![\d])"
    r"(?:\s?(k|m)\b|\s+(thousand|million)\b)?",
    re.IGNORECASE,
)
_RANGE_WORDS = frozenset({"-", "\u2013", "\u2014", "~", "to", "and", "-to-"})
_UNITS = {
    "hour": ("hourly", r"hour|hr|h"),
    "day": ("daily", r"day|d"),
    "week": ("weekly", r"week|wk|w"),
    "month": ("monthly", r"month|mo|mth|m"),
    "year": ("annual|annually|yearly|annum", r"year|yr|annum|a|y"),
}
_PERIOD_PATTERNS = {
    period: re.compile(
        rf"(?:\b(?:per|a|an|each)\s+|/\s*)(?:{units})\b|\b(?:{adjectives})\b", re.IGNORECASE
    )
    for period, (adjectives, units) in _UNITS.items()
}
_ABBREVIATED_PERIODS = (
    # "p.a." in any case, "pa" only in lower case: "PA" is Pennsylvania.
    ("year", re.compile(r"(?i:\bp\.\s?a\b\.?|\bper\s+annum\b)|\bpa\b")),
    ("month", re.compile(r"\bpcm\b", re.IGNORECASE)),
    ("hour", re.compile(r"\bp/?h\b", re.IGNORECASE)),
)
_UP_TO = re.compile(r"\b(?:up\s+to|max(?:imum)?|not\s+to\s+exceed)\W*$", re.IGNORECASE)
_AT_LEAST = re.compile(r"\b(?:from|starting(?:\s+at)?|min(?:imum)?|at\s+least)\W*$", re.IGNORECASE)
_NEGATIVE = re.compile(r"(?:^|[\s:(])[-\u2212]$")


def salary_currency(text: str, country: str = "") -> str | None:
    """ISO code of the currency `text` names, or None when it names none for sure.

    A bare "$" is the dollar of the posting's country (US, CA, AU...) and nothing when the
    country is unknown: "$" alone is written in a dozen countries, and a wrong currency would
    put a Canadian salary among US ones. "¥" likewise needs Japan or China.
    """
    for code in _CODE.findall(text):
        if code in _CODES:  # upper case only: "per" or "and" are words
            return str(code)
    if prefixed := _PREFIXED.search(text):
        return _PREFIXED_DOLLARS[prefixed.group(1).upper()]
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return code
    if "$" in text:
        return DOLLAR_COUNTRIES.get(country)
    if "¥" in text:
        return {"JP": "JPY", "CN": "CNY"}.get(country)
    return None


def salary_period(text: str) -> str | None:
    """The period the first pay-period phrase in `text` names ("$55/hr" -> "hour"), or None."""
    found: list[tuple[int, str]] = []
    for period, pattern in _PERIOD_PATTERNS.items():
        if match := pattern.search(text):
            found.append((match.start(), period))
    for period, pattern in _ABBREVIATED_PERIODS:
        if match := pattern.search(text):
            found.append((match.start(), period))
    return min(found)[1] if found else None


def parse_salary(text: str, country: str = "") -> dict[str, Any]:
    """A salary dict (see `_salary_dict`) from a salary as written, with "text" kept.

    "$120,000 - $140,000 a year", "£45k-£55k", "€60.000 per annum", "USD 90K-110K", "$55/hr";
    "Competitive", "DOE" or "$" give a dict with no amounts.
    """
    text = clean_text(text)[:200]
    low, high = _amounts(text)
    salary = _salary_dict(low, high, salary_currency(text, country), salary_period(text))
    salary["text"] = text
    return salary


def _amounts(text: str) -> tuple[float | None, float | None]:
    """The (min, max) amounts of a salary text: a range, "up to X", "from X", or one X."""
    matches = list(_AMOUNT.finditer(text))[:4]
    if not matches:
        return None, None
    first = matches[0]
    if _NEGATIVE.search(_CURRENCY_TOKEN.sub("", text[: first.start()])):
        return -1.0, None  # "-$5,000": dropped as absurd, not read as 5,000
    if len(matches) > 1 and (pair := _range(text, first, matches[1])):
        return pair
    low = _value(first)
    before = _CURRENCY_TOKEN.sub("", text[: first.start()]).rstrip()
    if _UP_TO.search(before):
        return None, low
    if _AT_LEAST.search(before) or text[first.end() :].lstrip().startswith("+"):
        return low, None
    return low, low


def _range(text: str, first: re.Match[str], second: re.Match[str]) -> tuple[float, float] | None:
    """(min, max) when the two amounts are joined as a range ("45k-55k", "$45 to $55")."""
    gap = _CURRENCY_TOKEN.sub("", text[first.end() : second.start()]).strip().lower()
    if gap not in _RANGE_WORDS:
        return None
    low, high = _value(first), _value(second)
    if _multiplier(first) == 1 and low < 1000 <= high and _multiplier(second) > 1:
        low *= _multiplier(second)  # "80-95k": the k belongs to both
    return low, high


def _multiplier(match: re.Match[str]) -> int:
    suffix = (match.group(3) or match.group(4) or "").lower()
    return {"k": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000}.get(suffix, 1)


def _value(match: re.Match[str]) -> float:
    whole = re.sub(r"\D", "", match.group(1))
    decimals = match.group(2) or "0"
    return float(f"{whole}.{decimals}") * _multiplier(match)


def _salary_dict(
    low: float | None, high: float | None, currency: str | None, period: str | None
) -> dict[str, Any]:
    """{"min", "max", "currency", "period", "annual_min", "annual_max"}, absurd values dropped.

    Annual figures exist only when both the period and the currency are known; currencies are
    never converted, so annual figures compare within one currency.
    """
    if low is not None and high is not None and low > high:
        low, high = high, low
    low, high = _sane(low, currency, period), _sane(high, currency, period)
    factor = PER_YEAR[period] if period and currency else None
    return {
        "min": low,
        "max": high,
        "currency": currency,
        "period": period,
        "annual_min": low * factor if factor and low is not None else None,
        "annual_max": high * factor if factor and high is not None else None,
    }


def _sane(value: float | None, currency: str | None, period: str | None) -> float | None:
    """The amount, or None when it is zero, negative or more than a year's ceiling."""
    if value is None or math.isnan(value) or value <= 0:
        return None
    ceiling = MAX_ANNUAL_BY_CURRENCY.get(currency or "", MAX_ANNUAL)
    return None if value * PER_YEAR.get(period or "year", 1) > ceiling else value


def _structured(raw: Any, text: str | None) -> dict[str, Any] | None:
    """A parser's structured salary normalised, or None when it holds no usable amount."""
    if not isinstance(raw, dict):
        return None
    low, high = _number(raw.get("min")), _number(raw.get("max"))
    currency = raw.get("currency")
    currency = currency.upper() if isinstance(currency, str) and _is_code(currency) else None
    period = raw.get("period")
    period = period.lower() if isinstance(period, str) else None
    period = period if period in PER_YEAR else salary_period(period or "")
    salary = _salary_dict(low, high, currency, period)
    if salary["min"] is None and salary["max"] is None:
        return None
    if text:
        salary["text"] = text
    return salary


def _is_code(value: str) -> bool:
    return len(value) == 3 and value.isascii() and value.isalpha()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _salary(details: dict[str, Any]) -> None:
    """details["salary"] from the structured salary, else from the salary as written.

    The structured one wins when it holds an amount; the text is parsed otherwise, so the
    result of one pass is a structured salary the next pass keeps as it is.
    """
    text = details.get("salary_text")
    text = clean_text(text)[:200] if isinstance(text, str) else None
    salary = _structured(details.get("salary"), text)
    if salary is None and text:
        salary = parse_salary(text, str(details.get("country") or ""))
    if salary is None:
        details.pop("salary", None)
    else:
        details["salary"] = salary


# --- Instants -------------------------------------------------------------------------------


def utc_iso(value: Any) -> str | None:
    """An ISO 8601 instant in UTC for a datetime, date or ISO string; None when unreadable.

    A value without a time zone is taken as UTC (the parsers convert what they know).
    """
    instant: datetime
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        instant = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value.strip()[:64])
        except ValueError:
            return None
    else:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        return instant.astimezone(UTC).isoformat()
    except (OverflowError, ValueError):
        return None


def _instants(details: dict[str, Any]) -> None:
    """valid_through and an event's start and end as UTC ISO strings; unreadable ones dropped."""
    if "valid_through" in details:
        if instant := utc_iso(details["valid_through"]):
            details["valid_through"] = instant
        else:
            del details["valid_through"]
    event = details.get("event")
    if isinstance(event, dict):
        event = dict(event)
        for key in ("start", "end"):
            if key in event:
                instant = utc_iso(event[key])
                if instant:
                    event[key] = instant
                else:
                    del event[key]
        details["event"] = event
