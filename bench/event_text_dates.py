"""Events' starts read from their text, against a labelled set: right, absent or wrong.

    .venv/bin/python -m bench.event_text_dates [--data FILE.jsonl ...] [--show]

Each line of the set is one event text as community feeds write them (English, French, German,
Spanish, a few with no language given; dates in words, numeric and ISO, weekdays, "tomorrow",
ranges, "doors 6:30, talks 7pm", deadlines, series, texts with no date or with two), with the
entry's publication date, the source's time zone and the expected start: a local time in that
zone ("2026-12-10T18:00", or with its own offset), a day ("2026-12-10": a start with no time),
or null (no start should be read). It runs crawlers.enrichment.event_text_dates.read_start, the
reader enrichment uses, and counts:
  right   the start read is the expected one (a day only when a day was expected)
  absent  no start read although one was expected: the page says "date not given"
  wrong   a start read where none was expected, or another one: the failure that matters
Prints the counts per file and in all, the share right or absent (goal >= 95%), and, with
--show, each miss. The three files: event_texts.jsonl (124 texts, written with the rules),
event_texts_holdout.jsonl (40) and event_texts_holdout2.jsonl (20), each written before the
reader had seen it (bench/README.md gives their first figures and the fixes that followed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dateparser

from crawlers.enrichment.event_text_dates import TextStart, read_start, zone_info

DATA_DIR = Path(__file__).parent / "data"
DATA = DATA_DIR / "event_texts.jsonl"
SETS = (DATA, DATA_DIR / "event_texts_holdout.jsonl", DATA_DIR / "event_texts_holdout2.jsonl")


@dataclass(frozen=True)
class Case:
    """One labelled text: what the reader is given and what it should say."""

    number: int
    kind: str
    text: str
    language: str
    published: datetime
    zone: str
    expected: TextStart | None


def load_cases(path: Path) -> list[Case]:
    """The labelled set, one JSON object a line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [_case(json.loads(line)) for line in lines if line.strip()]


def _case(row: dict[str, Any]) -> Case:
    zone = str(row["zone"])
    return Case(
        int(row["id"]),
        str(row["case"]),
        str(row["text"]),
        str(row["language"]),
        datetime.fromisoformat(str(row["published"])),
        zone,
        _expected(row["expected"], zone),
    )


def _expected(value: str | None, zone: str) -> TextStart | None:
    if value is None:
        return None
    if len(value) == 10:
        day = date.fromisoformat(value)
        return TextStart(datetime(day.year, day.month, day.day, tzinfo=UTC), True)
    local = datetime.fromisoformat(value)
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone_info(zone))
    return TextStart(local.astimezone(UTC), False)


def verdict(case: Case) -> tuple[str, TextStart | None]:
    """The outcome ("right", "absent" or "wrong") and what the reader said."""
    found = read_start(case.text, case.published, case.zone, case.language)
    if found == case.expected:
        return "right", found
    if found is None:
        return "absent", found
    return "wrong", found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", default=list(SETS))
    parser.add_argument("--show", action="store_true", help="print every text not right")
    args = parser.parse_args()
    every: list[Case] = []
    totals = {"right": 0, "absent": 0, "wrong": 0}
    sets = [(path, load_cases(path)) for path in args.data]
    _machine([case for _, cases in sets for case in cases])
    for path, cases in sets:
        counts = {"right": 0, "absent": 0, "wrong": 0}
        for case in cases:
            outcome, found = verdict(case)
            counts[outcome] += 1
            if args.show and outcome != "right":
                _show(case, outcome, found)
        _report(path.name, cases, counts)
        every.extend(cases)
        totals = {key: totals[key] + counts[key] for key in totals}
    if len(sets) > 1:
        _report("all", every, totals)


def _show(case: Case, outcome: str, found: TextStart | None) -> None:
    said = found.start.isoformat() if found else "none"
    wanted = case.expected.start.isoformat() if case.expected else "none"
    print(f"{outcome:6} #{case.number} [{case.kind}] said {said}, wanted {wanted}")
    print(f"       {case.text!r}")


def _machine(cases: list[Case]) -> None:
    languages = sorted({case.language or "none" for case in cases})
    print(
        f"machine: {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"dateparser {dateparser.__version__}; {len(cases)} texts; "
        f"languages {', '.join(languages)}"
    )


def _report(name: str, cases: list[Case], counts: dict[str, int]) -> None:
    total = len(cases)
    dated = sum(1 for case in cases if case.expected is not None)
    share = (counts["right"] + counts["absent"]) / total
    print(
        f"{name}: {total} texts ({dated} with a start): right {counts['right']}, "
        f"absent {counts['absent']}, wrong {counts['wrong']}; right or absent {share:.1%} "
        f"(goal >= 95%); starts read {dated - counts['absent']}/{dated}"
    )


if __name__ == "__main__":
    main()
