"""Running a generator in a thread ahead of its consumer.

The sync builds documents (reading the catalog, Python work) while the bulk helper waits on
Elasticsearch (network, GIL released); overlapping the two is most of the gap to a plain bulk
load of ready-made documents. Written here because the bulk helpers offer no producer thread
that keeps their retry on 429 (parallel_bulk has none).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(source: Iterable[T], depth: int = 2000) -> Generator[T, None, None]:
    """Yield what `source` yields, produced by a thread up to `depth` items ahead.

    An exception in the producer is raised in the consumer. If the consumer stops early, the
    producer stops at its next item.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for value in source:
                if stop.is_set():
                    return
                buffer.put(value)
            buffer.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            buffer.put(_Failure(exc))

    thread = threading.Thread(target=produce, name="prefetch", daemon=True)
    thread.start()
    try:
        while True:
            value = buffer.get()
            if value is _DONE:
                return
            if isinstance(value, _Failure):
                raise value.error
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full buffer
            try:
                buffer.get_nowait()
            except queue.Empty:
                thread.join(0.05)
