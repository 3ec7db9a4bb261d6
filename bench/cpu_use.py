"""CPU time spent by the two sides of a load bench: the Elasticsearch node (its own stats API,
so it works for any node the bench can reach) and a local server process with its children
(gunicorn's master and workers, from Linux's /proc).

On two shared cores, throughput under saturation is set by CPU per request; these figures say
where a request's CPU went, independently of how evenly a load tool's connections happened to
spread over the server's workers. (psutil would read the same; a dozen lines of /proc do not
justify a dependency for one bench.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import Elasticsearch


@dataclass(frozen=True)
class CpuReading:
    node_s: float  # the Elasticsearch node's process
    app_s: float  # the server process and its children


def node_cpu_seconds(client: Elasticsearch) -> float:
    """CPU seconds the nodes' processes have used since they started."""
    nodes = client.nodes.stats(metric="process")["nodes"].values()
    return sum(int(node["process"]["cpu"]["total_in_millis"]) for node in nodes) / 1000


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of `pid` and its live children; 0.0 without /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After "(command)": state, ppid, ... utime and stime, the 14th and 15th fields.
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def read_cpu(client: Elasticsearch, app_pid: int) -> CpuReading:
    return CpuReading(node_cpu_seconds(client), tree_cpu_seconds(app_pid))
