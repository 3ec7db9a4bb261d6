from collections.abc import Iterator

import pytest

from indexer.prefetch import prefetched


def test_yields_everything_in_order() -> None:
    assert list(prefetched(iter(range(10_000)), depth=7)) == list(range(10_000))


def test_producer_errors_reach_the_consumer() -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise RuntimeError("catalog went away")

    with pytest.raises(RuntimeError, match="catalog went away"):
        list(prefetched(broken()))


def test_closing_early_stops_the_producer() -> None:
    produced: list[int] = []

    def counting() -> Iterator[int]:
        for n in range(1_000_000):
            produced.append(n)
            yield n

    stream = prefetched(counting(), depth=10)
    assert next(stream) == 0
    stream.close()
    assert len(produced) < 100
