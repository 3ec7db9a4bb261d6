"""An Elasticsearch client configured from Mutual's settings (hosts, API key or basic auth, CA)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer

from ground import exits
from ground.errors import MutualError
from ground.settings import Settings


class SearchUnavailable(MutualError):
    """Elasticsearch cannot be reached or answered with a server error."""

    exit_code = exits.SEARCH_UNAVAILABLE


class SearchRefused(MutualError):
    """Elasticsearch refused the request itself (a 4xx answer): asking again will not help, and
    it is no outage; the message says why."""


def search_failure(status: int | None, reason: str) -> MutualError:
    """What a failed search is: refused for a 4xx answer, unavailable for anything else."""
    if status is not None and 400 <= status < 500:
        return SearchRefused(f"the search engine refused the search: {reason[:500]}")
    return SearchUnavailable(f"search failed: {reason[:500]}")


class OrjsonNdjsonSerializer(NdjsonSerializer, OrjsonSerializer):
    """Newline-delimited JSON (msearch, bulk) with orjson: the client's own NDJSON serializer
    encodes each line with the standard library even when given an orjson serializer, which
    a search page's two-body msearch paid on every request."""


def make_client(settings: Settings) -> Elasticsearch:
    options: dict[str, Any] = {
        "hosts": list(settings.es_hosts),
        "request_timeout": settings.es_request_timeout,
        "retry_on_timeout": True,
        "max_retries": 2,
    }
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    elif settings.es_username:
        options["basic_auth"] = (settings.es_username, settings.es_password)
    if settings.es_ca_certs:
        options["ca_certs"] = settings.es_ca_certs
    # orjson encodes and decodes request and response bodies several times faster than the
    # standard library, leaving the CPU to Elasticsearch on small machines.
    options["serializers"] = {
        OrjsonSerializer.mimetype: OrjsonSerializer(),
        OrjsonNdjsonSerializer.mimetype: OrjsonNdjsonSerializer(),
    }
    return Elasticsearch(**options)


def describe_unavailable(settings: Settings, exc: Exception) -> str:
    """A message that says what to fix: the address, the credentials or the certificate."""
    status = getattr(exc, "status_code", None) or getattr(
        getattr(exc, "meta", None), "status", None
    )
    if status == 401:
        return (
            f"Elasticsearch at {', '.join(settings.es_hosts)} refused the credentials; check "
            "MUTUAL_ES_API_KEY or MUTUAL_ES_USERNAME and MUTUAL_ES_PASSWORD"
        )
    if status == 403:
        return "Elasticsearch accepted the credentials but does not allow this; check the role"
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return (
            f"the certificate of {', '.join(settings.es_hosts)} could not be verified; set "
            "MUTUAL_ES_CA_CERTS to the cluster's CA certificate"
        )
    return f"Elasticsearch unreachable at {', '.join(settings.es_hosts)}: {exc}"


@contextmanager
def search_errors_explained(settings: Settings) -> Iterator[None]:
    """Turn the client's connection, TLS and authentication errors into SearchUnavailable."""
    try:
        yield
    except (TransportError, ApiError) as exc:
        status = getattr(getattr(exc, "meta", None), "status", None)
        if (
            isinstance(exc, ApiError)
            and status is not None
            and status not in (401, 403, 429)
            and status < 500
        ):
            raise  # a request of ours was wrong: a bug to see in full, not an outage
        raise SearchUnavailable(describe_unavailable(settings, exc)) from exc
