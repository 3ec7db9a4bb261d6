"""The search box's little language, parsed into a ParsedQuery without touching Elasticsearch.

Supported: free words, "quoted phrases", `-word` and `-"a phrase"` to exclude, `OR` between two
clauses, and the field filters `title:`, `org:` (quoted values allowed), `community:<slug>` and
`in:<kind>` (jobs, events, resources, singular or plural).

Written here rather than taken from a library: the parsers that exist (luqum, whoosh's, the
pyparsing examples) read Lucene's full syntax, which is exactly what must never reach
Elasticsearch from a user; this grammar is a dozen rules, and its output is plain values the
query builder turns into structured queries. Nothing here raises on any input: unbalanced quotes
close at the end, a lone `-` or a dangling `OR` is dropped, control characters become spaces.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 32
KIND_NAMES = {
    "job": "job",
    "jobs": "job",
    "event": "event",
    "events": "event",
    "resource": "resource",
    "resources": "resource",
}
FIELD_NAMES = {"title": "title", "org": "org", "organisation": "org", "organization": "org"}
FILTER_NAMES = frozenset({"in", "community", *FIELD_NAMES})
# A slug as the catalog writes them: lowercase letters, digits, dashes and underscores.
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
# One token of the box: an optional `-`, an optional `field:`, then a quoted or bare value.
TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')


@dataclass(frozen=True)
class Term:
    """A word or a phrase the user typed; `phrase` when it was quoted (its words in order)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """What the box asks for. Each entry of `required` is a group of alternatives (joined by
    OR in the box), one of which must match; a group of one is a plain required term."""

    required: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    titles: tuple[Term, ...] = ()
    organisations: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.required or self.titles or self.organisations)

    @property
    def free_text(self) -> str:
        """The required words and phrases as plain text, for phrase boosts and suggestions."""
        return " ".join(group[0].text for group in self.required if len(group) == 1)


def clean_text(raw: str) -> str:
    """The box's text with control and format characters as spaces, capped in length."""
    kept = (" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw[: MAX_QUERY_LENGTH * 2])
    return "".join(kept).strip()[:MAX_QUERY_LENGTH]


@dataclass
class _Builder:
    """Collects clauses while the tokens are read (local to one parse_query call)."""

    required: list[list[Term]]
    excluded: list[Term]
    titles: list[Term]
    organisations: list[str]
    communities: list[str]
    kinds: list[str]
    pending_or: bool = False

    def add_required(self, term: Term) -> None:
        if self.pending_or and self.required:
            self.required[-1].append(term)
        elif len(self.required) < MAX_CLAUSES:
            self.required.append([term])
        self.pending_or = False

    def result(self) -> ParsedQuery:
        return ParsedQuery(
            required=tuple(dict.fromkeys(tuple(dict.fromkeys(g)) for g in self.required)),
            excluded=tuple(dict.fromkeys(self.excluded))[:MAX_CLAUSES],
            titles=tuple(dict.fromkeys(self.titles))[:MAX_CLAUSES],
            organisations=tuple(dict.fromkeys(self.organisations))[:MAX_CLAUSES],
            communities=tuple(dict.fromkeys(self.communities)),
            kinds=tuple(dict.fromkeys(self.kinds)),
        )


def _term(quoted: str | None, bare: str | None) -> Term | None:
    """The value of a token as a Term, or None when nothing searchable is left of it."""
    if quoted is not None:
        words = " ".join(quoted.split())
        if not _has_word(words):
            return None
        return Term(words, phrase=len(words.split()) > 1)
    value = (bare or "").strip('"')
    return Term(value) if _has_word(value) else None


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _field_filter(builder: _Builder, field: str, term: Term) -> None:
    """Apply a known `field:value`; a value the field cannot take is dropped."""
    name = field.lower()
    if name == "in":
        kind = KIND_NAMES.get(term.text.lower())
        if kind:
            builder.kinds.append(kind)
    elif name == "community":
        slug = term.text.lower()
        if SLUG.match(slug):
            builder.communities.append(slug)
    elif FIELD_NAMES[name] == "title":
        builder.titles.append(term)
    else:
        builder.organisations.append(term.text)


def _read_token(builder: _Builder, match: re.Match[str]) -> None:
    minus, field, quoted, bare = match.groups()
    if not field and quoted is None and bare == "OR":
        builder.pending_or = bool(builder.required)  # an OR with nothing before it is a no-op
        return
    if not field and quoted is None and bare == "AND":
        return  # every clause is required already: Lucene's habit costs nothing
    if not field and (bare or "").rstrip(":").lower() in FILTER_NAMES:
        return  # a filter without its value ("title:", "in:")
    term = _term(quoted, bare)
    if term is None:
        return
    known = field and field.lower() in FILTER_NAMES
    if known and not minus:
        _field_filter(builder, field, term)
        builder.pending_or = False
        return
    if field and not known:
        # Not a filter we know ("http://...", "ratio:2"): the whole token is searched as words.
        term = Term(f"{field} {term.text}", phrase=term.phrase)
    if minus:
        builder.excluded.append(term)
        builder.pending_or = False
    else:
        builder.add_required(term)


def parse_query(raw: str) -> ParsedQuery:
    """The ParsedQuery of what was typed into the search box; never raises."""
    builder = _Builder([], [], [], [], [], [])
    for match in TOKEN.finditer(clean_text(raw)):
        _read_token(builder, match)
    return builder.result()
