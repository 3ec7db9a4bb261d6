"""Near-duplicate detection: one posting copied, reworded, by several communities is one item.

Exact keys (the canonical URL, the publisher's own id) are checked first by the caller; this
module decides whether two differently-worded copies describe the same job or event. Items are
only compared within a block (same kind and organisation, and for events the same start), and
then on their titles, locations and text. Written here rather than taken from a library: the
rules are about job titles (seniority words must agree) more than about generic text similarity,
and the fingerprints must stay small enough to keep one per item in the catalog.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from catalog.records import ParsedItem

# Forms that mean the same thing in job titles and company names.
_TITLE_WORDS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "mgr": "manager",
    "dir": "director",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "asst": "assistant",
    "assoc": "associate",
    "admin": "administrator",
    "acct": "accountant",
    "cfo": "chief financial officer",
    "ceo": "chief executive officer",
    "cto": "chief technology officer",
    "coo": "chief operating officer",
    "hr": "human resources",
    "pm": "product manager",
    "fp&a": "financial planning analysis",
    "fpa": "financial planning analysis",
}
_IGNORED_WORDS = {
    "a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with",
    "remote", "hybrid", "onsite", "position", "role", "opening", "job", "hiring", "now",
    "full", "time", "part", "contract", "temporary",
}  # fmt: skip
# Two copies of one posting never disagree on these: a senior and a junior role are two jobs.
_RANK_WORDS = {
    "senior", "junior", "lead", "principal", "staff", "intern", "associate", "assistant",
    "director", "manager", "head", "chief", "vice", "president", "executive", "i", "ii", "iii",
    "iv", "entry", "graduate", "trainee",
}  # fmt: skip
_ORG_SUFFIXES = {
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
    "plc", "gmbh", "sa", "ag", "lp", "llp", "the", "group",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9&]+")
TITLE_THRESHOLD = 0.75
TEXT_THRESHOLD = 0.25
MAX_SHINGLES = 200


@dataclass(frozen=True)
class Fingerprint:
    """What two copies are compared on: title words, place, and hashed word triples of the text."""

    title: frozenset[str]
    place: str
    shingles: frozenset[str]
    external_id: str = ""  # the publisher's own id: two different ones are two postings

    def to_json(self) -> dict[str, Any]:
        return {
            "title": sorted(self.title),
            "place": self.place,
            "shingles": sorted(self.shingles),
            "external_id": self.external_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(
            frozenset(data.get("title", ())),
            str(data.get("place", "")),
            frozenset(data.get("shingles", ())),
            str(data.get("external_id", "")),
        )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def title_words(title: str) -> frozenset[str]:
    expanded = " ".join(_TITLE_WORDS.get(w, w) for w in _words(title))
    return frozenset(w for w in expanded.split() if w not in _IGNORED_WORDS)


def organisation_key(organisation: str) -> str:
    return " ".join(w for w in _words(organisation) if w not in _ORG_SUFFIXES)


def dedupe_block(item: ParsedItem) -> str:
    """The block an item is compared within; empty when near-duplicates are not looked for."""
    org = organisation_key(item.organisation)
    if item.kind == "job" and org:
        return f"job|{org}"[:300]
    event = (item.details.get("event") or {}) if item.kind == "event" else {}
    place = organisation_key(str(event.get("venue") or item.location))
    if event.get("start") and place:  # two meetings at one hour are one event only in one place
        return f"event|{event['start']}|{place}"[:300]
    return ""


def fingerprint(item: ParsedItem) -> Fingerprint:
    place = str(item.details.get("city") or item.location.split(",")[0]).strip().lower()
    words = _words(f"{item.summary} {item.body}")
    shingles = {
        hashlib.blake2b(" ".join(words[i : i + 3]).encode(), digest_size=6).hexdigest()
        for i in range(max(len(words) - 2, 0))
    }
    # The lowest hashes are a fair sample of the text (a bottom-k sketch), bounded in size.
    return Fingerprint(
        title_words(item.title),
        place,
        frozenset(sorted(shingles)[:MAX_SHINGLES]),
        str(item.details.get("external_id") or ""),
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _different_ids_of_one_publisher(a: str, b: str) -> bool:
    """Two ids from one board ("greenhouse:acme:1" and "greenhouse:acme:2") name two postings;
    ids from two publishers say nothing about each other."""
    if not (a and b) or a == b:
        return False
    return a.rsplit(":", 1)[0] == b.rsplit(":", 1)[0]


def same_posting(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two fingerprints in one block describe the same posting or event."""
    if _different_ids_of_one_publisher(a.external_id, b.external_id):
        return False
    if (a.title & _RANK_WORDS) != (b.title & _RANK_WORDS):
        return False
    if a.place and b.place and a.place != b.place:
        return False
    title = _jaccard(a.title, b.title)
    if title == 1.0:
        return True
    if title < TITLE_THRESHOLD:
        return False
    return _jaccard(a.shingles, b.shingles) >= TEXT_THRESHOLD
