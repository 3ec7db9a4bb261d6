"""The search load bench's report: per level, medians over the rounds, page/raw ratios, CPU."""

from __future__ import annotations

import os
import statistics

from bench.search_load_requests import Result

PAGE_P95_GOAL_MS = 50.0
THROUGHPUT_GOAL = 0.5  # the page's throughput as a share of raw Elasticsearch's


def _median_run(results: list[Result]) -> Result:
    """The run with the median throughput, reported whole (its latencies with it)."""
    return sorted(results, key=lambda r: r.throughput)[len(results) // 2]


def _pair_ratio(run: list[Result]) -> float | None:
    """Page throughput over raw throughput within one round of runs (None if one had none)."""
    by_name = {r.target: r for r in run}
    page, raw = by_name["page"], by_name["raw"]
    return page.throughput / raw.throughput if page.requests and raw.requests else None


def print_level(runs: list[list[Result]]) -> None:
    """One level: per target, the median of the rounds (and the range of throughput over them);
    the page/raw ratio is the median of each round's ratio, page and raw having run back to back."""
    # Other work on the machine (test runs sharing the cores) shows here, not in the figures.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    level = runs[0][0].concurrency
    print(f"\nconcurrency {level}, {len(runs)} rounds (load average after: {load})")
    print(f"  {'target':<6} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6}  req/s over rounds")  # fmt: skip
    medians = {}
    for name in [r.target for r in runs[0]]:
        results = [r for run in runs for r in run if r.target == name]
        r = medians[name] = _median_run(results)
        spread = min(x.throughput for x in results), max(x.throughput for x in results)
        print(
            f"  {r.target:<6} {r.requests:>8} {r.throughput:>8.1f} {r.p50_ms:>8.1f} "
            f"{r.p95_ms:>8.1f} {r.p99_ms:>8.1f} {r.errors:>6}  {spread[0]:.1f}-{spread[1]:.1f}"
        )
    ratios = sorted(x for x in map(_pair_ratio, runs) if x is not None)
    if not ratios:
        # wrk counts answered requests only: a run shorter than the queue takes to drain has none.
        print("  page/raw: n/a (a target had no request answered within the run)", flush=True)
        return
    ratio, page, raw = statistics.median_high(ratios), medians["page"], medians["raw"]
    verdicts = (
        f"page/raw throughput {ratio:.2f} (rounds {ratios[0]:.2f}-{ratios[-1]:.2f}; goal >= "
        f"{THROUGHPUT_GOAL}: {'met' if ratio >= THROUGHPUT_GOAL else 'missed'}); "
        f"page p95 {page.p95_ms:.1f} ms (goal < {PAGE_P95_GOAL_MS:.0f} ms: "
        f"{'met' if page.p95_ms < PAGE_P95_GOAL_MS else 'missed'}); "
        f"page/raw p95 {page.p95_ms / raw.p95_ms:.1f}x"
    )
    print(f"  {verdicts}", flush=True)
    print_cpu(runs)


def print_cpu(runs: list[list[Result]]) -> None:
    """CPU per request, medians over the rounds: where a page's time on the cores goes, and the
    page/raw throughput those costs allow when the cores are the limit."""
    node, app = {}, {}
    for name in [r.target for r in runs[0]]:
        answered = [r for run in runs for r in run if r.target == name and r.requests]
        if not answered:
            return
        node[name] = statistics.median_high(r.node_cpu_ms for r in answered)
        app[name] = statistics.median_high(r.app_cpu_ms for r in answered)
    parts = [
        f"{name} node {node[name]:.1f}" + (f" + app {app[name]:.1f}" if name != "raw" else "")
        for name in node
    ]
    allowed = node["raw"] / (node["page"] + app["page"]) if node["page"] + app["page"] else 0
    print(
        f"  CPU ms per request: {', '.join(parts)}; the cores allow page/raw {allowed:.2f}",
        flush=True,
    )
