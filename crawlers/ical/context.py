"""What every event of one calendar shares while it is read, and its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass
class CalendarContext:
    """What every event of one calendar shares, and the warnings gathered while reading it."""

    url: str
    name: str
    now: datetime
    floating_zone: ZoneInfo
    window_start: datetime
    window_end: datetime
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message[:300])
