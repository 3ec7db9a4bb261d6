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
    "ml": "machine learning",
    "sre": "site reliability engineer",
    "qa": "quality assurance",
    "qc": "quality control",
    "ux": "user experience",
    "ui": "user interface",
    "rn": "registered nurse",
    "lpn": "licensed practical nurse",
    "icu": "intensive care unit",
    "hrbp": "human resources business partner",
    "ops": "operations",
    "rep": "representative",
    "coord": "coordinator",
    "r&d": "research development",
    "adviser": "advisor",
    "1": "i",  # "Engineer 2" is "Engineer II"
    "2": "ii",
    "3": "iii",
    "4": "iv",
}
# Compounds written in one word, two or with a hyphen ("Front-end", "Front End", "Frontend").
_COMPOUNDS = re.compile(r"\b(front|back|full)[\s-]+(end|stack)\b")
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
# Work arrangements and area words around a place: "Hybrid - Denver, CO", "Denver (Remote)",
# "Greater London Area", "Denver Metro Area".
_PLACE_PARTS = re.compile(r",|/|\||;|\s[-\u2013\u2014]\s")
_WORK_MODES = {"hybrid", "remote", "onsite", "on site", "in office", "flexible"}
_AREA_WORDS = re.compile(r"^(greater )|( metropolitan area| metro area| area| metro)$")
TITLE_THRESHOLD = 0.75
# Two texts agree when half the shorter or more is in the longer, word for word (a trimmed,
# extended or lightly edited copy). Texts of FULL_TEXT word triples or more must agree,
# whatever the titles (one employer's template for one title in two teams); a shorter blurb
# cannot tell.
CONTAINED = 0.5
FULL_TEXT = 20
EVENT_TITLE_OVERLAP = 0.6  # in one block (one start, one venue), most of the shorter title
MAX_SHINGLES = 200


@dataclass(frozen=True)
class Fingerprint:
    """What two copies are compared on: title words, place, and hashed word triples of the text."""

    title: frozenset[str]
    place: str
    shingles: frozenset[str]
    external_id: str = ""  # the publisher's own id: two different ones are two postings
    kind: str = ""  # "event" for an event ("" in fingerprints stored before it was kept)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": sorted(self.title),
            "place": self.place,
            "shingles": sorted(self.shingles),
            "external_id": self.external_id,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(
            frozenset(data.get("title", ())),
            str(data.get("place", "")),
            frozenset(data.get("shingles", ())),
            str(data.get("external_id", "")),
            str(data.get("kind", "")),
        )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def title_words(title: str, context: str = "") -> frozenset[str]:
    """A title's words, abbreviations spelled out, plurals made singular; without the words of
    `context` (the employer's name, the place) unless nothing else would be left."""
    joined = _COMPOUNDS.sub(r"\1\2", title.lower())
    expanded = " ".join(_TITLE_WORDS.get(w, w) for w in _words(joined))
    words = {_singular(w) for w in expanded.split() if w not in _IGNORED_WORDS}
    rest = words - {_singular(w) for w in _words(context)}
    return frozenset(rest or words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def place_key(location: str) -> str:
    """The place a location names, without work arrangements or area words: "Hybrid - Denver,
    CO", "Denver (Hybrid)", "Denver Metro Area" and "Denver, Colorado" are all "denver"."""
    text = re.sub(r"\([^)]*\)", " ", location.lower())
    parts = [" ".join(_words(part)) for part in _PLACE_PARTS.split(text)]
    named = [part for part in parts if part and part not in _WORK_MODES]
    if not named:
        return "remote" if "remote" in parts else ""
    return _AREA_WORDS.sub("", named[0]).strip()


def organisation_key(organisation: str) -> str:
    return " ".join(w for w in _words(organisation) if w not in _ORG_SUFFIXES)


def dedupe_block(item: ParsedItem) -> str:
    """The block an item is compared within; empty when near-duplicates are not looked for."""
    org = organisation_key(item.organisation)
    if item.kind == "job" and org:
        return f"job|{org}"[:300]
    event = (item.details.get("event") or {}) if item.kind == "event" else {}
    place = organisation_key(_PLACE_PARTS.split(str(event.get("venue") or item.location))[0])
    if event.get("start") and place:  # two meetings at one hour are one event only in one place
        return f"event|{event['start']}|{place}"[:300]
    return ""


def fingerprint(item: ParsedItem) -> Fingerprint:
    # An event's place is in its block (one venue); a job's is its city.
    place = (
        "" if item.kind == "event" else place_key(str(item.details.get("city") or item.location))
    )
    words = _words(f"{item.summary} {item.body}")
    shingles = {
        hashlib.blake2b(" ".join(words[i : i + 3]).encode(), digest_size=6).hexdigest()
        for i in range(max(len(words) - 2, 0))
    }
    # The lowest hashes are a fair sample of the text (a bottom-k sketch), bounded in size.
    return Fingerprint(
        title_words(item.title, f"{item.organisation} {place}"),
        place,
        frozenset(sorted(shingles)[:MAX_SHINGLES]),
        str(item.details.get("external_id") or ""),
        "event" if item.kind == "event" else "",
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the smaller set that is in the other."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _comparable(a: frozenset[str], b: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The two sketches over the hashes both cover: a full sketch holds only a text's lowest
    hashes, so the other's hashes above its highest are left out of the comparison."""
    full = [max(s) for s in (a, b) if len(s) >= MAX_SHINGLES]
    if not full:
        return a, b
    limit = min(full)
    return frozenset(h for h in a if h <= limit), frozenset(h for h in b if h <= limit)


def _different_ids_of_one_publisher(a: str, b: str) -> bool:
    """Two ids from one board ("greenhouse:acme:1" and "greenhouse:acme:2") name two postings;
    ids from two publishers say nothing about each other."""
    if not (a and b) or a == b:
        return False
    return a.rsplit(":", 1)[0] == b.rsplit(":", 1)[0]


def same_posting(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two fingerprints in one block describe the same posting or event.

    Seniority and the publisher's ids must agree. An event (its block is one start in one
    venue) is one when most of the shorter title is in the other, or the texts agree. A job
    must give the same place (or neither copy one), and is one on nearly equal titles (or one
    within the other) and texts that agree; when a text is too short to tell, on equal titles.
    """
    if _different_ids_of_one_publisher(a.external_id, b.external_id):
        return False
    if (a.title & _RANK_WORDS) != (b.title & _RANK_WORDS):
        return False
    texts_agree = _overlap(*_comparable(a.shingles, b.shingles)) >= CONTAINED
    if "event" in (a.kind, b.kind):  # the block holds the place
        return _overlap(a.title, b.title) >= EVENT_TITLE_OVERLAP or texts_agree
    if a.place != b.place:  # and a place one copy does not give is not confirmed
        return False
    title = _jaccard(a.title, b.title)
    near = title >= TITLE_THRESHOLD or a.title <= b.title or b.title <= a.title
    if min(len(a.shingles), len(b.shingles)) < FULL_TEXT:
        return title == 1.0 or (near and texts_agree)
    return near and texts_agree
