"""Mutual's feed parser against a plain `feedparser.parse` loop over the very same bodies.

    .venv/bin/python -m bench.parse_feeds --feeds 200 --entries 25 --rounds 5

Generates N feeds (fixed seed) that look like what communities publish: RSS 2.0 career-centre
feeds ("Controller - Acme Corp - Denver, CO", "Salary: $90,000 - $110,000" lines), Atom job
boards and JSON Feeds. Then alternates, each round:
  ours:     crawlers.feeds.parse, then crawlers.enrich.enrich on each item: what a crawl does
            with each fetched body before storing it;
  baseline: feedparser.parse(body) with the library's defaults, nothing else.
Only RSS and Atom bodies are compared (feedparser does not read JSON Feed); JSON Feed's own rate
is printed on its own. Prints each round, the median rates and ours/baseline.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import feedparser

from crawlers import feeds
from crawlers.enrich import enrich

# Every entry is dated before this, so no date is dropped as implausible (in the future).
NOW = datetime(2026, 11, 1, tzinfo=UTC)
FIRST_POSTING = datetime(2025, 1, 1, tzinfo=UTC)
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json",
}
# Of every ten feeds: five career-centre RSS feeds, three Atom, two JSON Feed.
FORMATS = ("rss", "rss", "rss", "rss", "rss", "atom", "atom", "atom", "json", "json")

TITLES = [
    "Controller",
    "Financial Analyst",
    "Revenue Cycle Director",
    "Staff Accountant",
    "Treasury Manager",
    "FP&A Manager",
    "Chief Financial Officer",
    "Payroll Specialist",
    "Internal Auditor",
    "Grants Accountant",
]
LEVELS = ["", "", "Senior ", "Lead ", "Assistant ", "Associate "]
# Employer names put together from two parts (360 of them): with a handful of employers every
# crawl would mostly merge near-duplicates across feeds, which real catalogs do far less often.
EMPLOYER_NAMES = [
    "Acme", "St. Mary's", "Front Range", "Lakeshore", "Summit", "Banner", "Boulder Valley",
    "Valley View", "Northwind", "Contoso", "Blue Ridge", "Cascade", "Prairie", "Harbor",
    "Red Rock", "Silver Lake", "Granite", "Riverside", "Pinecrest", "Mesa", "Evergreen",
    "Keystone", "Lighthouse", "Sandhill", "Timberline", "Westfield", "Oakmont", "Bayview",
    "Ironwood", "Clearwater",
]  # fmt: skip
EMPLOYER_KINDS = [
    "Corp", "Hospital", "Health Partners", "Physicians Group", "Credit Union", "Health",
    "School District", "Clinic", "Traders", "Foods", "Community Bank", "Foundation",
]  # fmt: skip
PLACES = [
    "Denver, CO",
    "Chicago, IL",
    "Austin, TX",
    "Boston, MA",
    "Greeley, Colorado",
    "Remote",
    "Seattle, WA",
    "Atlanta, GA",
]
JOB_TYPES = ["Full-time", "Part-time", "Contract", "Full Time", "Temporary"]
PROSE = (
    "the team reports to the CFO and owns month-end close, budgeting, forecasting, variance "
    "analysis, audit support, cash management and reporting to the board; you will partner with "
    "department heads, improve controls, automate reconciliations in Excel and SQL, and mentor "
    "two analysts in a growing organisation with strong benefits and a hybrid schedule"
)
WORDS = PROSE.split()


@dataclass(frozen=True)
class Posting:
    """One generated job posting, the same whichever format carries it."""

    number: int
    title: str
    employer: str
    place: str
    salary: str
    job_type: str
    paragraphs: tuple[str, ...]
    published: datetime


@dataclass(frozen=True)
class Body:
    """A fetched feed as the crawler sees it: where from, the bytes, the declared type."""

    url: str
    fmt: str
    body: bytes
    content_type: str


def posting(feed_no: int, number: int) -> Posting:
    """Entry `number` of feed `feed_no`; the same arguments always give the same posting."""
    rng = random.Random(feed_no * 1_000_003 + number)
    low = rng.randrange(45, 160) * 1000
    salary = rng.choice(
        [f"${low:,} - ${low + rng.randrange(10, 40) * 1000:,}", f"${low // 2080}/hr", "Competitive"]
    )
    paragraphs = tuple(
        " ".join(rng.choice(WORDS) for _ in range(rng.randrange(30, 70))).capitalize() + "."
        for _ in range(rng.randrange(2, 5))
    )
    return Posting(
        number=number,
        title=rng.choice(LEVELS) + rng.choice(TITLES),
        employer=f"{rng.choice(EMPLOYER_NAMES)} {rng.choice(EMPLOYER_KINDS)}",
        place=rng.choice(PLACES),
        salary=salary,
        job_type=rng.choice(JOB_TYPES),
        paragraphs=paragraphs,
        published=FIRST_POSTING + timedelta(hours=number * 7 + feed_no % 24),
    )


def postings(feed_no: int, entries: int, version: int = 0) -> list[Posting]:
    """The feed's current postings, newest first. Each new version adds two postings and drops
    the two oldest, as a career centre's "newest jobs" feed does between two crawls."""
    first = version * 2
    return [posting(feed_no, n) for n in reversed(range(first, first + entries))]


def description_html(job: Posting) -> str:
    """Career-centre style: the prose, then labelled lines (what crawlers.feeds reads)."""
    prose = "".join(f"<p>{escape(p)}</p>" for p in job.paragraphs)
    labels = f"<p>Salary: {escape(job.salary)}<br/>Job Type: {job.job_type}</p>"
    return prose + labels


def rss(base: str, feed_no: int, jobs: list[Posting]) -> str:
    items = "".join(
        f"""
    <item>
      <guid isPermaLink="false">{feed_no}-{job.number}</guid>
      <link>{base}/jobs/{feed_no}/{job.number}?utm_source=rss&amp;utm_medium=feed</link>
      <title>{escape(f"{job.title} - {job.employer} - {job.place}")}</title>
      <description>{escape(description_html(job))}</description>
      <pubDate>{format_datetime(job.published, usegmt=True)}</pubDate>
    </item>"""
        for job in jobs
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Chapter {feed_no} Career Center - Newest Jobs</title>
    <link>{base}/jobs/</link>
    <atom:link href="{base}/feeds/{feed_no}.rss" rel="self" type="application/rss+xml"/>
    <description>The newest jobs posted to the Chapter {feed_no} Career Center</description>
    <language>en-us</language>{items}
  </channel>
</rss>
"""


def atom(base: str, feed_no: int, jobs: list[Posting]) -> str:
    entries = "".join(
        f"""
  <entry>
    <id>tag:jobs.example.org,2025:{feed_no}-{job.number}</id>
    <title type="text">{escape(f"{job.title} ({job.place})")}</title>
    <link rel="alternate" type="text/html" href="{base}/jobs/{feed_no}/{job.number}"/>
    <published>{job.published.isoformat()}</published>
    <updated>{job.published.isoformat()}</updated>
    <author><name>{escape(job.employer)}</name></author>
    <category term="Finance"/><category term="{job.job_type}"/>
    <content type="html">{escape(description_html(job))}</content>
  </entry>"""
        for job in jobs
    )
    updated = jobs[0].published.isoformat() if jobs else FIRST_POSTING.isoformat()
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Society {feed_no} Job Board</title>
  <id>tag:jobs.example.org,2025:feed-{feed_no}</id>
  <link rel="self" href="{base}/feeds/{feed_no}.atom"/>
  <link rel="alternate" href="{base}/jobs/"/>
  <updated>{updated}</updated>{entries}
</feed>
"""


def json_feed(base: str, feed_no: int, jobs: list[Posting]) -> str:
    items = [
        {
            "id": f"job-{feed_no}-{job.number}",
            "url": f"{base}/jobs/{feed_no}/{job.number}",
            "title": f"{job.title} - {job.employer} - {job.place}",
            "content_html": description_html(job),
            "date_published": job.published.isoformat(),
            "authors": [{"name": job.employer}],
            "tags": ["Finance", job.job_type],
        }
        for job in jobs
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"Network {feed_no} Jobs",
        "home_page_url": f"{base}/jobs/",
        "feed_url": f"{base}/feeds/{feed_no}.json",
        "items": items,
    }
    return json.dumps(feed, indent=2)


WRITERS = {"rss": rss, "atom": atom, "json": json_feed}


def feed_format(feed_no: int) -> str:
    return FORMATS[feed_no % len(FORMATS)]


def feed_body(base: str, feed_no: int, entries: int, version: int = 0) -> bytes:
    """The body of feed `feed_no` (its format set by its number) at `version`."""
    writer = WRITERS[feed_format(feed_no)]
    return writer(base, feed_no, postings(feed_no, entries, version)).encode("utf-8")


def generate(count: int, entries: int, seed: int = 7) -> list[Body]:
    """`count` feeds in a shuffled (seeded) order, so formats interleave as in a crawl."""
    base = "https://careers.example.org"
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [
        Body(
            url=f"{base}/feeds/{n}.{feed_format(n)}",
            fmt=feed_format(n),
            body=feed_body(base, n, entries),
            content_type=CONTENT_TYPES[feed_format(n)],
        )
        for n in order
    ]


def run_ours(bodies: list[Body]) -> int:
    """Parse and enrich every body as the crawl does; returns the number of items."""
    count = 0
    for body in bodies:
        result = feeds.parse(body.url, body.body, "job", now=NOW, content_type=body.content_type)
        count += len([enrich(item) for item in result.items])
    return count


def run_baseline(bodies: list[Body]) -> int:
    """feedparser.parse with its defaults (it sanitises HTML itself); returns the entries."""
    return sum(len(feedparser.parse(body.body).entries) for body in bodies)


def timed(run: Callable[[list[Body]], int], bodies: list[Body]) -> tuple[float, int]:
    """Feeds per second of `run` over `bodies`, and how many items it found."""
    started = time.perf_counter()
    found = run(bodies)
    return len(bodies) / (time.perf_counter() - started), found


def run_rounds(
    rounds: int, xml: list[Body], jsons: list[Body], entries: int
) -> tuple[list[float], list[float], list[float]]:
    """Alternate ours and the baseline on the RSS/Atom bodies, then ours on the JSON Feeds."""
    ours: list[float] = []
    base: list[float] = []
    json_rates: list[float] = []
    for round_no in range(1, rounds + 1):
        rate, found = timed(run_ours, xml)
        ours.append(rate)
        base_rate, base_found = timed(run_baseline, xml)
        base.append(base_rate)
        if found != base_found or found != len(xml) * entries:
            raise SystemExit(f"item counts differ: ours {found}, feedparser {base_found}")
        if jsons:
            json_rates.append(timed(run_ours, jsons)[0])
        json_text = f", ours on JSON Feed {json_rates[-1]:,.0f} feeds/s" if jsons else ""
        print(
            f"round {round_no}: ours {ours[-1]:,.0f} feeds/s, "
            f"feedparser {base[-1]:,.0f} feeds/s{json_text}",
            flush=True,
        )
    return ours, base, json_rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=25, help="entries in each feed")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bodies = generate(args.feeds, args.entries, args.seed)
    xml = [b for b in bodies if b.fmt != "json"]
    jsons = [b for b in bodies if b.fmt == "json"]
    megabytes = sum(len(b.body) for b in bodies) / 1e6
    print(
        f"{len(bodies)} feeds ({len(xml)} RSS/Atom, {len(jsons)} JSON Feed), "
        f"{args.entries} entries each, {megabytes:.1f} MB"
    )
    ours, base, json_rates = run_rounds(args.rounds, xml, jsons, args.entries)
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    json_median = statistics.median(json_rates) if json_rates else 0.0
    print(
        f"feeds={args.feeds} entries={args.entries} rounds={args.rounds} "
        f"ours_median={ours_median:,.0f}/s feedparser_median={base_median:,.0f}/s "
        f"ratio={ours_median / base_median:.2f} "
        f"ours_entries_median={ours_median * args.entries:,.0f}/s "
        f"json_feed_median={json_median:,.0f}/s"
    )


if __name__ == "__main__":
    main()
