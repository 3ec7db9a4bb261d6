"""Log records as JSON lines, one object per line, for the worker and the web app's request log.

The standard library's logging with a small formatter: the fields Mutual adds to a record with
`extra=` (request_id, source_id, worker, ...) become keys of the object, so a log collector can
filter on them without parsing messages. (python-json-logger would do the same; twenty lines do
not justify another dependency.)
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the `extra=` fields and, for
    an exception, its traceback as text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is when a record is emitted, not when the handler was
    made: an app built under a test's captured stderr keeps logging after that test."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """Ignored: the stream is always the current stderr."""


def json_handler(stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream) if stream else CurrentStderrHandler()
    handler.setFormatter(JsonFormatter())
    return handler


def log_json_to_stderr(logger: logging.Logger, level: int = logging.INFO) -> None:
    """Make `logger` write JSON lines of `level` and above to stderr, once however often it is
    called. The level is set on the handler too: Scrapy resets the root logger's level."""
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = json_handler()
        handler.setLevel(level)
        logger.addHandler(handler)
    logger.setLevel(level)
