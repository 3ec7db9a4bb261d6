"""Near-duplicate detection against a labelled set of posting pairs: precision, recall, F1.

    .venv/bin/python -m bench.duplicate_matching [--data FILE.jsonl]

Each line of bench/data/duplicate_pairs.jsonl is two items as parsers hand them to the catalog
(ParsedItem fields: kind, title, summary, body, url, organisation, location, published_at,
tags, details with city, external_id, valid_through or event start and venue), plus the source
each came from ("source", not a ParsedItem field), whether they are one posting or event, and
the kind of variant: one job on the employer's ATS, a community board, an aggregator, a
newsletter or the career page (reworded titles, trimmed or rewritten text, other names for the
employer, location formats, tracking parameters); one event on a calendar and in a feed; and
the different ones: an employer's similar roles, one title in two cities or teams, one title at
two employers, reposts months apart, a series' next date, two events in one venue at one hour.

A pair is judged the way catalog.items.match_items would join the later copy (by published_at)
to the earlier one, both from public sources: one item when they share the canonical URL or
the publisher's id (the item id and the external alias), else when the earlier copy is still
active when the later one arrives (expiry_of / status_of), does not come from the same source
(a board's two openings with one title are two jobs), is in the same non-empty dedupe_block,
and same_posting says so on the fingerprints as stored (to_json / from_json).
Prints the machine, the counts, precision, recall and F1 against the goal (F1 >= 0.95,
precision first), and every misclassified pair with the step that decided it. Pure Python, no
network, no database. `--data bench/data/duplicate_pairs_holdout.jsonl` measures the hold-out
set, written before the rules were first changed (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.confusion import Confusion
from catalog.duplicates import Fingerprint, dedupe_block, fingerprint, same_posting
from catalog.items import expiry_of, status_of
from catalog.records import ParsedItem

DATA = Path(__file__).parent / "data" / "duplicate_pairs.jsonl"
F1_GOAL = 0.95  # and precision first: a wrong join hides a posting, a missed one shows two


@dataclass(frozen=True)
class Copy:
    """One item as a parser returned it, and the source that carried it."""

    source: str
    item: ParsedItem


@dataclass(frozen=True)
class Pair:
    """One labelled pair of copies."""

    number: int
    kind: str
    a: Copy
    b: Copy
    same: bool


@dataclass(frozen=True)
class Decision:
    """Whether the pair was judged one item, and the step that decided it."""

    same: bool
    step: str


@dataclass(frozen=True)
class Result(Confusion):
    """The confusion counts, how the joins were made and the pairs decided wrongly."""

    steps: dict[str, int]
    wrong: tuple[tuple[Pair, Decision], ...]


def _parsed(data: dict[str, Any]) -> Copy:
    published = data.get("published_at")
    return Copy(
        str(data["source"]),
        ParsedItem(
            url=data["url"],
            title=data["title"],
            kind=data.get("kind", "job"),
            summary=data.get("summary", ""),
            body=data.get("body", ""),
            organisation=data.get("organisation", ""),
            location=data.get("location", ""),
            published_at=datetime.fromisoformat(published) if published else None,
            tags=tuple(data.get("tags", ())),
            details=dict(data.get("details", {})),
        ),
    )


def load_pairs(path: Path = DATA) -> list[Pair]:
    """The labelled set, one JSON object a line."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Pair(int(r["id"]), str(r["kind"]), _parsed(r["a"]), _parsed(r["b"]), bool(r["same"]))
        for r in rows
    ]


def _arrival(copy: Copy) -> datetime:
    moment = copy.item.published_at or datetime.min
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def decide(pair: Pair) -> Decision:
    """What match_items would do with the later copy when the earlier one is in the catalog."""
    earlier, later = sorted((pair.a, pair.b), key=_arrival)  # a stable sort: a first on a tie
    old, new = earlier.item, later.item
    if step := _exact_key(old, new):
        return Decision(True, step)
    if step := _not_a_candidate(earlier, later):
        return Decision(False, step)
    stored = Fingerprint.from_json(json.loads(json.dumps(fingerprint(old).to_json())))
    if same_posting(fingerprint(new), stored):
        return Decision(True, "same_posting")
    return Decision(False, "same_posting said no")


def _exact_key(old: ParsedItem, new: ParsedItem) -> str:
    """The key the later copy finds the earlier by (its item id, its external alias), or ""."""
    if old.url == new.url:
        return "url"
    old_id, new_id = old.details.get("external_id"), new.details.get("external_id")
    return "external id" if old_id and old_id == new_id else ""


def _not_a_candidate(earlier: Copy, later: Copy) -> str:
    """Why _near_duplicates would not compare the two copies, or "" when it would."""
    old, new = earlier.item, later.item
    arrival = _arrival(later) if new.published_at else None
    if arrival and status_of(old, expiry_of(old), arrival) != "active":
        return "earlier copy not active"
    if earlier.source == later.source:
        return "same source"
    block = dedupe_block(new)
    if not block:
        return "no block"
    return "" if block == dedupe_block(old) else "other blocks"


def score_pairs(pairs: list[Pair]) -> Result:
    """Decide every pair and count the outcomes."""
    counts = {(True, True): 0, (False, True): 0, (False, False): 0, (True, False): 0}
    steps: dict[str, int] = {}
    wrong: list[tuple[Pair, Decision]] = []
    for pair in pairs:
        decision = decide(pair)
        counts[(decision.same, pair.same)] += 1
        steps[decision.step] = steps.get(decision.step, 0) + 1
        if decision.same != pair.same:
            wrong.append((pair, decision))
    return Result(
        counts[(True, True)],
        counts[(True, False)],
        counts[(False, False)],
        counts[(False, True)],
        steps,
        tuple(wrong),
    )


def report(pairs: list[Pair], result: Result) -> list[str]:
    """The lines the bench prints."""
    same = sum(pair.same for pair in pairs)
    events = sum(pair.a.item.kind == "event" for pair in pairs)
    steps = ", ".join(f"{step} {count}" for step, count in sorted(result.steps.items()))
    lines = [
        f"machine: {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"{len(pairs)} pairs ({same} same, {len(pairs) - same} different; "
        f"{len(pairs) - events} of jobs, {events} of events)",
        f"true positives {result.true_positive}, false positives {result.false_positive}, "
        f"true negatives {result.true_negative}, false negatives {result.false_negative}",
        f"decided by: {steps}",
    ]
    lines += [_miss(pair, decision) for pair, decision in result.wrong]
    lines.append(
        f"precision {result.precision:.3f} (first), "
        f"recall {result.recall:.3f}, F1 {result.f1:.3f} (goal >= {F1_GOAL})"
    )
    return lines


def _describe(copy: Copy) -> str:
    item = copy.item
    start = (item.details.get("event") or {}).get("start")
    when = f" {start}" if start else ""
    return f"{item.title!r} ({item.organisation or '-'}; {item.location or '-'}{when})"


def _miss(pair: Pair, decision: Decision) -> str:
    label = "same" if pair.same else "different"
    return (
        f"misclassified #{pair.number} [{pair.kind}] {_describe(pair.a)} / {_describe(pair.b)}: "
        f"labelled {label}, decided by {decision.step}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    pairs = load_pairs(args.data)
    for line in report(pairs, score_pairs(pairs)):
        print(line)


if __name__ == "__main__":
    main()
