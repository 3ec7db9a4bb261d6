"""`python -m crawlers.preview_command [--kind K] [--item-kind K] -- URL`: a test fetch as JSON."""

# The web app's test fetch runs this module in a subprocess (Scrapy's reactor cannot run inside
# a web request, and the web app never crawls) and reads the JSON it prints; `mutual source test`
# calls the same `checked_preview` in its own process.

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from catalog.sources import ITEM_KINDS, SOURCE_KINDS
from crawlers.guard import check_source_url
from crawlers.preview import preview_source
from crawlers.source_options import parse_options
from ground.errors import MutualError
from ground.settings import Settings, load_settings


def checked_preview(
    settings: Settings,
    url: str,
    kind: str,
    item_kind: str,
    pairs: tuple[str, ...],
    *,
    warn: Callable[[str], None],
) -> dict[str, Any]:
    """`url` checked as `source add` checks it (`warn` is told when its name does not resolve
    now), the KEY=VALUE `pairs` read for a given kind, then what a crawl of it would collect
    (crawlers.preview), as a dict. Writes nothing. Starts a Twisted reactor: call at most once
    per process."""
    warning = check_source_url(url, settings.crawl_allow_loopback)
    if warning:
        warn(warning)
    options = parse_options(kind, pairs) if kind != "auto" else {}
    return preview_source(settings, url, kind, item_kind, options).as_dict()


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m crawlers.preview_command",
        description="Fetch URL once, as a crawl would, and print what it would collect as JSON.",
    )
    parser.add_argument("--kind", choices=("auto", *SOURCE_KINDS), default="auto")
    parser.add_argument("--item-kind", choices=ITEM_KINDS, default="")
    parser.add_argument("url")
    return parser


def _warn(text: str) -> None:
    print(f"warning: {text}")


def main(argv: list[str] | None = None) -> int:
    """Settings from MUTUAL_* variables, as the `mutual` command reads them. Prints the preview
    as JSON; exits 1 when the fetch failed. A refused URL is an `error: ...` line on standard
    error, with its exit code, as `mutual source test --json` says it."""
    args = _arguments().parse_args(argv)
    try:
        settings = load_settings()
        preview = checked_preview(settings, args.url, args.kind, args.item_kind, (), warn=_warn)
    except MutualError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(preview, indent=2))
    return 0 if preview["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
