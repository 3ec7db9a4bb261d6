"""Ranking quality over the demo corpus, judged in tests/relevance/judgements.toml (expected
top results written down before tuning): a floor under mean nDCG@10 and precision@5, so a
change to the query builder that makes search worse fails here. bench/relevance.py prints the
figures per query."""

from __future__ import annotations

import pytest

from bench.relevance import JUDGEMENTS, read_judgements, run
from ground.settings import Settings
from indexer.client import make_client
from indexer.names import IndexNames
from mutual.demo import demo_settings
from tests.helpers import run_mutual

# Measured 0.948 and 0.344 (of an attainable 0.449) when the judged set was written.
NDCG_FLOOR = 0.90
PRECISION_FLOOR = 0.30


@pytest.mark.sqlite_only
def test_judged_queries_rank_what_was_expected(settings: Settings) -> None:
    run_mutual(settings, "demo", "--no-serve", "--site-port", "0")
    demo = demo_settings(settings)
    judgements = read_judgements(JUDGEMENTS)
    assert len(judgements) >= 40
    client = make_client(demo)
    try:
        scores = run(client, IndexNames(demo.index_prefix), judgements)
    finally:
        client.close()
    ndcg = sum(s.ndcg_at_10 for s in scores) / len(scores)
    precision = sum(s.precision_at_5 for s in scores) / len(scores)
    worst = sorted(scores, key=lambda s: s.ndcg_at_10)[:5]
    detail = ", ".join(f"{s.judgement.query!r}: {s.ndcg_at_10:.2f}" for s in worst)
    print(f"mean nDCG@10 {ndcg:.3f}, mean P@5 {precision:.3f}; weakest: {detail}")
    assert ndcg >= NDCG_FLOOR, detail
    assert precision >= PRECISION_FLOOR, detail
