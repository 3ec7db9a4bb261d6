"""`/healthz`: the process is up and serving. `/readyz`: it can do its work, because the catalog
and Elasticsearch both answer (used by container health checks and load balancers)."""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, TransportError
from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.services import services

blueprint = Blueprint("health", __name__)
# A readiness probe must answer before the prober gives up, even when a dependency hangs.
READY_TIMEOUT = 3.0


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200


@blueprint.get("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """200 when the catalog and Elasticsearch answer; 503 naming what does not, and why."""
    checks = {"catalog": _catalog_problem(), "elasticsearch": _search_problem()}
    down = sorted(name for name, problem in checks.items() if problem)
    body = {
        "status": "unavailable" if down else "ready",
        "down": down,
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return body, 503 if down else 200


def _catalog_problem() -> str:
    try:
        with services().catalog.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        # The class only: the driver's message may name hosts and users.
        return f"catalog database unreachable ({type(exc).__name__})"
    return ""


def _search_problem() -> str:
    client = services().search_client.options(request_timeout=READY_TIMEOUT, max_retries=0)
    try:
        client.cluster.health()
    except (TransportError, ApiError) as exc:
        return f"Elasticsearch unreachable ({type(exc).__name__})"
    return ""
