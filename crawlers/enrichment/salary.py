"""A salary with annual figures, from a parser's structured salary or the salary as written."""

from __future__ import annotations

import math
import re
from typing import Any

from crawlers.normalise import clean_text
from crawlers.places import DOLLAR_COUNTRIES

PERIODS = ("hour", "day", "week", "month", "year")
# Hours, days, weeks and months in a working year: how a rate becomes an annual figure.
PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
# Above this a posted annual figure is a typo or a trick (in the posted currency; currencies
# with small units get their own ceiling, as a yen salary runs into the millions).
MAX_ANNUAL = 10_000_000.0
MAX_ANNUAL_BY_CURRENCY = {"JPY": 1e9, "KRW": 1e10, "INR": 1e9, "HUF": 1e9, "CLP": 1e10}
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


def set_salary(details: dict[str, Any]) -> None:
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
