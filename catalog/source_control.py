"""What an operator does to a source's schedule: fetch it at the next crawl, pause, resume."""

from __future__ import annotations

from catalog.models.base import utcnow
from catalog.models.sources import Source
from ground.errors import MutualError


class SourcePaused(MutualError):
    """A paused source is not fetched: resume it first."""


def retry_source_now(source: Source) -> None:
    """Make the source due now, cutting its backoff short. Its failures in a row and its
    history stay: a retry that fails again backs off from where it was."""
    if source.paused:
        raise SourcePaused(f"source #{source.id} is paused: resume it to fetch it again")
    source.next_fetch_at = utcnow()


def set_source_paused(source: Source, paused: bool) -> None:
    """Pause (its items stay searchable) or resume; a resumed source is due at once."""
    source.paused = paused
    if not paused:
        source.next_fetch_at = None
