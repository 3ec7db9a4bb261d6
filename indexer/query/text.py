"""The text of the box as a scored query: typed words (typos forgiven), phrases, job-title
synonyms, `title:` and `org:` fields, and exclusions."""

from __future__ import annotations

from typing import Any

from indexer.query_syntax import ParsedQuery, Term
from indexer.synonyms import job_title_synonyms, words

# Fields a word may match as typed, with their boosts: organisation and location included.
EXACT_FIELDS = (
    "title^4",
    "title.exact^2",
    "organisation.text^2",
    "summary^1.5",
    "text",
    "location.text",
    "event.venue.text^0.5",
    "author.text",
    # Keywords a typed word names exactly: "remote", "hybrid", "contract", "internship".
    "remote^1.5",
    "employment_type",
)
# Fields where a misspelt word may still match: text only, never organisation, places or ids.
FUZZY_FIELDS = ("title^4", "summary^1.5", "text")
FUZZY_WEIGHT = 0.4  # a typo's match counts for less than the word spelt right
TEXT_FIELDS = EXACT_FIELDS  # the fields a plain search reads (kept for callers of old)
MAX_WORDS = 64
FUZZY_KEYS = ("fuzziness", "prefix_length", "max_expansions")


# Words that name a kind of listing: "networking events" asks for events about networking,
# whether or not their text says "event".
KIND_WORDS = {
    **dict.fromkeys(("event", "events"), "event"),
    **dict.fromkeys(("job", "jobs"), "job"),
    **dict.fromkeys(("resource", "resources"), "resource"),
}
KIND_WORD_BOOST = 1.5
# A relaxed search (no listing has every word) asks for this many of them at least.
RELAXED_MINIMUM = 1


def _word_clause(word: str) -> dict[str, Any]:
    """One typed word: as spelt in any field, or within a typo or two in the text fields; a
    word naming a kind of listing is also matched by the listings of that kind."""
    exact: dict[str, Any] = {
        "multi_match": {"query": word, "fields": list(EXACT_FIELDS), "zero_terms_query": "all"}
    }
    kind = KIND_WORDS.get(word.lower())
    if kind:
        exact = {"dis_max": {"queries": [exact, _kind_clause(kind)]}}
    fuzzy = {
        "multi_match": {
            "query": word,
            "fields": list(FUZZY_FIELDS),
            "fuzziness": "AUTO",
            "prefix_length": 1,
            "max_expansions": 20,
            "boost": FUZZY_WEIGHT,
        }
    }
    return {"dis_max": {"queries": [exact, fuzzy]}}


def _kind_clause(kind: str) -> dict[str, Any]:
    return {"constant_score": {"filter": {"term": {"kind": kind}}, "boost": KIND_WORD_BOOST}}


def _phrase_clause(phrase: str) -> dict[str, Any]:
    """Words in this order, spelt as typed (stemmed or not), in any text field."""
    return {"multi_match": {"query": phrase, "fields": list(EXACT_FIELDS), "type": "phrase"}}


def _synonym_clause(phrases: tuple[str, ...]) -> dict[str, Any]:
    """Any of the equivalent titles; never fuzzy (a typo of "vp" is not a vice president)."""
    return {"dis_max": {"queries": [_phrase_clause(p) for p in phrases]}}


def _word_run_clauses(tokens: tuple[str, ...]) -> list[dict[str, Any]]:
    """Clauses for consecutive typed words, job-title synonyms expanded (longest entry first)."""
    synonyms = job_title_synonyms()
    clauses: list[dict[str, Any]] = []
    start = 0
    while start < len(tokens):
        length, phrases = synonyms.longest_match(tokens, start)
        if length:
            clauses.append(_synonym_clause(phrases))
            start += length
        else:
            clauses.append(_word_clause(tokens[start]))
            start += 1
    return clauses


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def _term_clause(term: Term) -> dict[str, Any] | None:
    if term.phrase:
        return _phrase_clause(term.text)
    clauses = _word_run_clauses(words(term.text)[:MAX_WORDS])
    return _all_of(clauses) if clauses else None


def _required_clauses(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """One clause per required group; runs of plain words are read together for synonyms."""
    clauses: list[dict[str, Any]] = []
    run: list[str] = []
    for group in parsed.required:
        if len(group) == 1 and not group[0].phrase:
            run.extend(words(group[0].text))
            continue
        clauses.extend(_word_run_clauses(tuple(run[:MAX_WORDS])))
        run = []
        options = [c for c in (_term_clause(t) for t in group) if c]
        if options:
            clauses.append(options[0] if len(options) == 1 else {"dis_max": {"queries": options}})
    clauses.extend(_word_run_clauses(tuple(run[:MAX_WORDS])))
    return clauses


def _field_clauses(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """`title:` words (typos forgiven) or phrases, and `org:` names (exact words, in order)."""
    clauses: list[dict[str, Any]] = []
    for term in parsed.titles:
        if term.phrase:
            clauses.append({"match_phrase": {"title": term.text}})
        else:
            match = {"query": term.text, "operator": "and", "fuzziness": "AUTO", "prefix_length": 1}
            clauses.append({"match": {"title": match}})
    if parsed.organisations:
        names = [{"match_phrase": {"organisation.text": name}} for name in parsed.organisations]
        clauses.append({"bool": {"should": names, "minimum_should_match": 1}})
    return clauses


def _excluded_clauses(parsed: ParsedQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for term in parsed.excluded:
        kind = "phrase" if term.phrase else "best_fields"
        query = {"query": term.text, "fields": list(EXACT_FIELDS), "type": kind}
        clauses.append({"multi_match": query | ({} if term.phrase else {"operator": "and"})})
    return clauses


def can_relax(parsed: ParsedQuery) -> bool:
    """Whether the box asks for two words (or groups) or more, so that fewer can be asked."""
    return len(_required_clauses(parsed)) > 1


def text_query(parsed: ParsedQuery, relaxed: bool = False) -> dict[str, Any]:
    """The scored part of a search: what the box asks for, without filters or recency.

    `relaxed`: any of the typed words rather than all, as Typesense's drop_tokens_threshold and
    Meilisearch's matchingStrategy do when all of them find nothing; a listing scores by the
    words it has, so those with the most come first. Fields (`title:`, `org:`) and exclusions
    still hold.
    """
    required = _required_clauses(parsed)
    loose = relaxed and len(required) > 1
    must = [*([] if loose else required), *_field_clauses(parsed)]
    must_not = _excluded_clauses(parsed)
    if not must and not must_not and not loose:
        return {"match_all": {}}
    query: dict[str, Any] = {"must": must or [{"match_all": {}}], "must_not": must_not}
    should: list[dict[str, Any]] = list(required) if loose else []
    free_text = parsed.free_text
    if free_text:
        # An exact phrase in the title outranks the same words scattered through a body.
        should.append({"match_phrase": {"title.exact": {"query": free_text, "boost": 3}}})
    if should:
        query["should"] = should
    if loose:
        query["minimum_should_match"] = RELAXED_MINIMUM
    return {"bool": query}
