"""What the search load bench sends: the searches, as page, API and raw requests, and wrk's runs."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.page import build_search
from indexer.search_args import EVERYWHERE, Scope, request_from_args

PAGE_SIZE = 20  # the `page_size` setting's default, which the served app keeps

# What visitors type, with and without the page's filters: single words, titles, phrases, a
# synonym ("vp finance"), typos (which make the page ask for a respelling), field syntax.
WORDS = (
    "engineer", "analyst", "nurse", "python", "finance", "remote", "networking", "workshop",
    "resume", "devops", "kubernetes", "accountant", "controller", "chicago", "toronto",
    "healthcare", "nonprofit", "sql", "excel", "meetup", "webinar", "interview", "sales",
    "recruiter", "teacher", "engneer", "managment",
)  # fmt: skip
PHRASES = (
    "data scientist", "product manager", "software engineer", "vp finance", "marketing manager",
    '"senior software engineer"', '"career fair"', "salary negotiation", "grant writer",
    "ux designer", "machine learning", "cloud architect", "project manager remote",
    "data engineer python", "title:analyst", "women in tech", "registered nurse boston",
)  # fmt: skip
FILTERED: tuple[dict[str, str], ...] = (
    {"q": "engineer", "kind": "job"},
    {"q": "engineer", "remote": "remote"},
    {"q": "analyst", "posted": "week"},
    {"q": "manager", "sort": "newest"},
    {"q": "python", "kind": "job", "salary": "100k"},
    {"q": "meetup", "kind": "event", "upcoming": "month"},
    {"q": "nurse", "location": "Boston"},
    {"q": "developer", "type": "contract"},
    {"q": "data", "kind": "event", "attendance": "online"},
    {"q": "", "kind": "job", "sort": "newest"},
    {"q": "", "kind": "event", "sort": "event_date", "upcoming": "week"},
    {"q": "finance", "remote": "hybrid", "posted": "month"},
)


def searches() -> list[dict[str, str]]:
    """About fifty distinct searches, as URL parameters."""
    return [{"q": q} for q in (*WORDS, *PHRASES)] + [dict(f) for f in FILTERED]


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    requests: tuple[tuple[str, str, str], ...]  # (method, path, body)


@dataclass(frozen=True)
class Result:
    target: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    node_cpu_ms: float = 0.0  # the node's CPU per answered request, over the run and its drain
    app_cpu_ms: float = 0.0  # gunicorn's (master and workers), likewise

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# wrk calls request() for every request it sends, cycling through the searches (each
# connection's thread starts at its own offset), and done() once with the merged latencies.
WRK_SCRIPT = """
local requests = {%s}
local counter = 0
local headers = {["Content-Type"] = "application/json", ["Accept"] = "*/*"}
function init(args)
  counter = math.random(#requests)
end
function request()
  counter = counter %% #requests + 1
  local r = requests[counter]
  return wrk.format(r[1], r[2], headers, r[3])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\\"requests\\": %%d, \\"micros\\": %%d, \\"errors\\": %%d, " ..
    "\\"p50\\": %%d, \\"p95\\": %%d, \\"p99\\": %%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    level = "=" * 4
    if f"]{level}]" in text:
        raise ValueError("a request holds the Lua string terminator")
    return f"[{level}[{text}]{level}]"


def write_wrk_script(target: Target, folder: Path) -> Path:
    rows = ",".join(
        f"{{{_lua_string(m)}, {_lua_string(p)}, {_lua_string(b) if b else 'nil'}}}"
        for m, p, b in target.requests
    )
    path = folder / f"{target.name}.lua"
    path.write_text(WRK_SCRIPT % rows, encoding="utf-8")
    return path


def run_wrk(target: Target, script: Path, concurrency: int, seconds: int) -> Result:
    """One closed-loop run: `concurrency` connections on one wrk thread (one thread is plenty
    at these rates, and leaves the two cores to the app and Elasticsearch)."""
    command = [
        "wrk",
        "--threads=1",
        f"--connections={concurrency}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={script}",
        target.base_url,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(row for row in output.splitlines() if row.startswith("WRK_RESULT "))
    raw = json.loads(line.removeprefix("WRK_RESULT "))
    return Result(
        target=target.name,
        concurrency=concurrency,
        requests=int(raw["requests"]),
        seconds=raw["micros"] / 1e6,
        p50_ms=raw["p50"] / 1000,
        p95_ms=raw["p95"] / 1000,
        p99_ms=raw["p99"] / 1000,
        errors=int(raw["errors"]),
    )


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback URL
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def raw_body(params: dict[str, str], alias: str) -> str:
    """The msearch the page sends for these parameters, read the way the page reads them (an
    anonymous visitor's scope: everywhere, with the communities picked in the URL)."""
    args: MultiDict[str, str] = MultiDict(params)
    chosen = tuple(args.getlist("community"))
    request = request_from_args(args, Scope(EVERYWHERE, chosen, chosen, ()), PAGE_SIZE)
    bodies = build_search(request, Viewer(), datetime.now(UTC))
    header = json.dumps({"index": alias})
    lines = [header, _compact(bodies.hits), header, _compact(bodies.facets)]
    return "\n".join(lines) + "\n"


def _compact(body: dict[str, object]) -> str:
    return json.dumps(body, separators=(",", ":"))


def targets(app_url: str, es_url: str, names: IndexNames) -> list[Target]:
    found = searches()
    page = tuple(("GET", "/?" + urlencode(p), "") for p in found)
    api = tuple(("GET", "/api/search?" + urlencode(p), "") for p in found)
    raw = tuple(("POST", "/_msearch", raw_body(p, names.alias)) for p in found)
    chosen = [Target("page", app_url, page)]
    if get_status(f"{app_url}/api/search?q=engineer") == 404:
        print("API not available (GET /api/search answers 404): skipped")
    else:
        chosen.append(Target("api", app_url, api))
    chosen.append(Target("raw", es_url.rstrip("/"), raw))
    return chosen
