"""One employment type (full-time, contract...) from whatever the publisher wrote."""

from __future__ import annotations

import re
from typing import Any

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


def set_employment_type(details: dict[str, Any]) -> None:
    if "employment_type" not in details:
        return
    if kind := employment_type(details["employment_type"]):
        details["employment_type"] = kind
    else:
        del details["employment_type"]
