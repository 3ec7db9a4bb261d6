"""Relevance of the query builder over the demo corpus: precision@5 and nDCG@10 per query.

    .venv/bin/python -m bench.relevance --es-url http://127.0.0.1:9200

Builds the demo corpus the way `mutual demo --no-serve` does (its local site, a crawl, an index
sync, in a process of its own with a temporary catalog and a fresh index prefix), then runs each
query of tests/relevance/judgements.toml through `indexer.search.search` as the viewer it names
and scores the first ten hits against the graded judgements. Deletes its indices afterwards
unless --keep.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import tomllib
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import Elasticsearch

from ground.settings import Settings, load_settings, settings_environ
from indexer.cursors import Cursor
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.request import SearchRequest
from indexer.search import search
from mutual.demo import demo_settings

JUDGEMENTS = Path(__file__).resolve().parents[1] / "tests" / "relevance" / "judgements.toml"
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Judgement:
    query: str
    grades: dict[str, int]
    member_of: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    judgement: Judgement
    precision_at_5: float
    attainable_at_5: float  # the best P@5 possible: most queries have fewer than 5 answers
    ndcg_at_10: float
    top: tuple[str, ...]


def read_judgements(path: Path) -> list[Judgement]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Judgement(
            str(q["q"]),
            {str(k): int(v) for k, v in q["grades"].items()},
            tuple(q.get("member_of", ())),
        )
        for q in data["query"]
    ]


def build_demo_index(es_url: str, data_dir: str) -> Settings:
    """Crawl and index the demo corpus into a fresh index; the demo's own settings."""
    settings = load_settings(
        environ={},
        overrides={
            "data_dir": data_dir,
            "es_hosts": es_url,
            "index_prefix": f"bench-{uuid.uuid4().hex[:8]}",
        },
    )
    subprocess.run(
        [sys.executable, "-m", "mutual", "demo", "--no-serve", "--site-port", "0"],
        env=_path_env() | settings_environ(settings),
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return demo_settings(settings)


def _path_env() -> dict[str, str]:
    """This process's environment without its own Mutual settings (the bench names them)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MUTUAL_")}


def visible_titles(client: Elasticsearch, names: IndexNames, viewer: Viewer) -> Counter[str]:
    """How many live documents of each title the viewer may see (for the ideal ranking)."""
    counts: Counter[str] = Counter()
    cursor: Cursor | None = None
    while True:
        after = cursor.search_after if cursor else ()
        page = search(client, names, SearchRequest(size=100, search_after=after), viewer)
        counts.update(hit.title for hit in page.hits)
        cursor = page.next_cursor
        if cursor is None:
            return counts


def dcg(gains: list[int]) -> float:
    return sum(float(2**gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains))


def score(judgement: Judgement, titles: list[str], available: Counter[str]) -> Score:
    gains = [judgement.grades.get(title, 0) for title in titles]
    ideal = sorted(
        (grade for title, grade in judgement.grades.items() for _ in range(available[title])),
        reverse=True,
    )
    best = dcg(ideal[:10])
    return Score(
        judgement=judgement,
        precision_at_5=sum(1 for g in gains[:5] if g > 0) / 5,
        attainable_at_5=min(5, len(ideal)) / 5,
        ndcg_at_10=dcg(gains[:10]) / best if best else 0.0,
        top=tuple(titles[:5]),
    )


def run(client: Elasticsearch, names: IndexNames, judgements: list[Judgement]) -> list[Score]:
    scores = []
    available: dict[tuple[str, ...], Counter[str]] = {}
    for judgement in judgements:
        viewer = Viewer(member_of=judgement.member_of)
        if judgement.member_of not in available:
            available[judgement.member_of] = visible_titles(client, names, viewer)
        hits = search(client, names, SearchRequest(text=judgement.query, size=10), viewer).hits
        scores.append(score(judgement, [h.title for h in hits], available[judgement.member_of]))
    return scores


def report(scores: list[Score], verbose: bool) -> None:
    print(f"{'query':38} {'P@5':>5} {'max':>5} {'nDCG@10':>8}")
    for entry in scores:
        figures = (
            f"{entry.precision_at_5:5.2f} {entry.attainable_at_5:5.2f} {entry.ndcg_at_10:8.3f}"
        )
        print(f"{entry.judgement.query[:38]:38} {figures}")
        if verbose and entry.ndcg_at_10 < 1:
            for title in entry.top:
                print(f"    {entry.judgement.grades.get(title, 0)} {title}")
    mean_p = sum(s.precision_at_5 for s in scores) / len(scores)
    mean_max = sum(s.attainable_at_5 for s in scores) / len(scores)
    mean_n = sum(s.ndcg_at_10 for s in scores) / len(scores)
    print(
        f"queries={len(scores)} mean_precision_at_5={mean_p:.3f} "
        f"(attainable {mean_max:.3f}) mean_ndcg_at_10={mean_n:.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument(
        "--verbose", action="store_true", help="Show the top five of imperfect queries."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the demo index afterwards.")
    args = parser.parse_args(argv)
    judgements = read_judgements(args.judgements)
    with tempfile.TemporaryDirectory(prefix="mutual-relevance-") as data_dir:
        settings = build_demo_index(args.es_url, data_dir)
        names = IndexNames(settings.index_prefix)
        client = Elasticsearch(args.es_url, request_timeout=30)
        try:
            client.indices.refresh(index=names.alias)
            report(run(client, names, judgements), args.verbose)
        finally:
            if not args.keep:
                client.indices.delete(
                    index=names.pattern, ignore_unavailable=True, allow_no_indices=True
                )
                client.options(ignore_status=404).indices.delete_index_template(name=names.template)
            client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
