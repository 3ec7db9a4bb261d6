"""An Elasticsearch client configured from Mutual's settings (hosts, API key or basic auth, CA)."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from mutual import exits
from mutual.errors import MutualError
from mutual.settings import Settings


class SearchUnavailable(MutualError):
    """Elasticsearch cannot be reached or answered with a server error."""

    exit_code = exits.SEARCH_UNAVAILABLE


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
    return Elasticsearch(**options)
