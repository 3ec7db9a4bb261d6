"""What a response or a failed request says, in words fit for a source's error message."""

from __future__ import annotations

from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.retry_after import retry_after_seconds


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def describe_failure(failure: Failure) -> tuple[str, int | None, int | None]:
    """The error in words, the HTTP status if any, and how long the server asked us to wait."""
    request = failure.request  # type: ignore[attr-defined]
    if isinstance(failure.value, HttpError):
        response = failure.value.response
        wait = retry_after_seconds(header(response, b"Retry-After"))
        asked = f"; server asks to retry after {wait} s" if wait is not None else ""
        url = without_query(request.url)
        return f"HTTP {response.status} from {url}{asked}", response.status, wait
    if isinstance(failure.value, DownloadCancelledError) and not str(failure.value):
        # Scrapy cancels a body that grows past DOWNLOAD_MAXSIZE without saying so (it only
        # logs it); a length announced too large comes with its own message instead.
        return "download cancelled: the body grew larger than download max size", None, None
    return f"{type(failure.value).__name__}: {failure.value}", None, None


def without_query(url: str) -> str:
    """A URL fit for an error message: no query string, which may carry tokens."""
    return url.split("?", 1)[0].split("#", 1)[0]
