"""Organisation matching against a labelled set of name pairs: precision, recall, F1.

    .venv/bin/python -m bench.organisation_matching [--data FILE.jsonl]

Each line of bench/data/organisation_pairs.jsonl is one pair of organisation names as postings,
events and member profiles write them, with the employer domains where a posting would give
one (an apply URL or a website, "" when none), whether they are the same organisation, and the
kind of variant: legal suffixes across locales, "The", ampersands, abbreviations, case,
punctuation and accents, typos, "X, University of", acronyms with and without a domain;
and the different organisations: look-alikes, subsidiaries and divisions, word orders that
name other universities, one-letter look-alikes, the same name on two domains, postings on
a shared job board, ambiguous acronyms. Each domain goes through registrable_domain (offline:
the Public Suffix List snapshot tldextract ships), then same_organisation decides.
Prints the machine, the counts, precision, recall and F1 against the goals (precision >= 0.98,
recall >= 0.9), and every misclassified pair. Pure Python, no network, well under a second.
`--data bench/data/organisation_pairs_holdout.jsonl` (or `_holdout2.jsonl`) measures a hold-out
set, written after the rules it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bench.confusion import Confusion
from catalog.organisation_match import offline_extractor, registrable_domain, same_organisation
from catalog.organisation_overrides import OrganisationResolver
from catalog.organisations import organisation_key

DATA = Path(__file__).parent / "data" / "organisation_pairs.jsonl"
# Written after the rules they measure (bench/README.md says which rules each one saw).
HOLDOUT_DATA = (
    DATA.with_name("organisation_pairs_holdout.jsonl"),
    DATA.with_name("organisation_pairs_holdout2.jsonl"),
)
PRECISION_GOAL = 0.98
RECALL_GOAL = 0.9


@dataclass(frozen=True)
class Pair:
    """One labelled pair of names."""

    number: int
    kind: str
    a: str
    b: str
    domain_a: str
    domain_b: str
    same: bool


@dataclass(frozen=True)
class Result(Confusion):
    """The confusion counts and the pairs decided wrongly."""

    wrong: tuple[Pair, ...]


def load_pairs(path: Path = DATA) -> list[Pair]:
    """The labelled set, one JSON object a line."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Pair(int(r["id"]), str(r["kind"]), r["a"], r["b"], r["domain_a"], r["domain_b"], r["same"])
        for r in rows
    ]


def keys_decide(pair: Pair) -> bool:
    """What the catalog does: name `a` is known, `b` is written next and gets a key
    (OrganisationResolver with the known organisations, no domains: the catalog has none);
    the pair is one organisation when the keys are one."""
    own = organisation_key(pair.a)
    return bool(own) and OrganisationResolver(known={own: pair.a}).key(pair.b) == own


def score_pairs(pairs: list[Pair], *, keys: bool = False) -> Result:
    """Decide every pair (by same_organisation with domains, or as the catalog keys names)
    and count the outcomes."""
    extractor = offline_extractor()
    counts = {(True, True): 0, (False, True): 0, (False, False): 0, (True, False): 0}
    wrong: list[Pair] = []
    for pair in pairs:
        domain_a = registrable_domain(pair.domain_a, extractor)
        domain_b = registrable_domain(pair.domain_b, extractor)
        if keys:
            decided = keys_decide(pair)
        else:
            decided = same_organisation(pair.a, pair.b, domain_a, domain_b)
        counts[(decided, pair.same)] += 1
        if decided != pair.same:
            wrong.append(pair)
    return Result(
        counts[(True, True)],
        counts[(True, False)],
        counts[(False, False)],
        counts[(False, True)],
        tuple(wrong),
    )


def report(pairs: list[Pair], result: Result) -> list[str]:
    """The lines the bench prints."""
    same = sum(pair.same for pair in pairs)
    lines = [
        f"machine: {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"cleanco {version('cleanco')}; rapidfuzz {version('rapidfuzz')}; "
        f"tldextract {version('tldextract')} (bundled snapshot); "
        f"{len(pairs)} pairs ({same} same, {len(pairs) - same} different)",
        f"true positives {result.true_positive}, false positives {result.false_positive}, "
        f"true negatives {result.true_negative}, false negatives {result.false_negative}",
    ]
    lines += [_miss(pair) for pair in result.wrong]
    lines.append(
        f"precision {result.precision:.3f} (goal >= {PRECISION_GOAL}), "
        f"recall {result.recall:.3f} (goal >= {RECALL_GOAL}), F1 {result.f1:.3f}"
    )
    return lines


def _miss(pair: Pair) -> str:
    domains = f" ({pair.domain_a or '-'} / {pair.domain_b or '-'})"
    label = "same" if pair.same else "different"
    return (
        f"misclassified #{pair.number} [{pair.kind}] {pair.a!r} / {pair.b!r}"
        f"{domains if pair.domain_a or pair.domain_b else ''}: labelled {label}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--keys",
        action="store_true",
        help="score the keys the catalog gives names (no domains) instead of same_organisation",
    )
    args = parser.parse_args()
    pairs = load_pairs(args.data)
    for line in report(pairs, score_pairs(pairs, keys=args.keys)):
        print(line)


if __name__ == "__main__":
    main()
