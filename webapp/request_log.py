"""A request id for every request, and one JSON log line per request that carries it.

The id is the caller's `X-Request-ID` when it looks like one (a proxy in front may set it), else
a fresh one; it is sent back in the response's `X-Request-ID` and added to every record the app
logs during the request, so a line in the log leads to everything else that request logged.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

from ground.json_logs import log_json_to_stderr

REQUEST_ID_HEADER = "X-Request-ID"
# What a request id may look like when it comes from outside: short, no spaces or markup.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
log = logging.getLogger("webapp.requests")


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to each record logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


def init_request_log(app: Flask) -> None:
    """Log each request of `app` as a JSON line on stderr (the `webapp` logger, where Flask
    logs errors too), each record with its request id."""
    logger = logging.getLogger("webapp")
    log_json_to_stderr(logger)
    for handler in logger.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if REQUEST_ID_PATTERN.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started", time.perf_counter())
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint or "unmatched",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response
