"""The worker's crawl: fetch the sources one worker cycle has claimed, in a process of its own.

`python -m crawlers.crawl_claimed HOLDER`, started by `mutual worker` once per cycle because
Twisted's reactor cannot be started twice in one process. Settings come from the environment
(the worker passes its own). Prints the crawl's report as one JSON object on stdout; warnings go
to stderr as JSON lines.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict

from catalog.claims import claimed_sources
from catalog.db import make_engine, require_schema, session_factory, transaction
from catalog.outages import CatalogUnavailable
from crawlers.run import CrawlReport, run_crawl
from ground.json_logs import log_json_to_stderr
from ground.settings import Settings, load_settings


def crawl_claimed(settings: Settings, holder: str) -> CrawlReport:
    """Fetch every source `holder` has claimed and not yet recorded."""
    engine = make_engine(settings.resolved_database_url)
    try:
        require_schema(engine)
        with transaction(session_factory(engine)) as session:
            sources = claimed_sources(session, holder, settings.credentials_key)
    finally:
        engine.dispose()
    if not sources:
        return CrawlReport(sources=0, ok=0, not_modified=0, failed=0, items_new=0, items_changed=0)
    return run_crawl(settings, sources)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crawlers.crawl_claimed HOLDER", file=sys.stderr)
        return 2
    log_json_to_stderr(logging.getLogger(), logging.WARNING)
    try:
        report = crawl_claimed(load_settings(), argv[0])
    except CatalogUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(asdict(report)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
