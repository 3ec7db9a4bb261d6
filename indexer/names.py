"""Names of the template, alias and versioned indices, all under the configured prefix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# Bump when the mapping changes in a way that needs `mutual reindex`.
# 2: one hunspell stem per word (longest_only); 3: offsets for highlights; 4: organisation_key;
# 5: series
MAPPING_VERSION = 5


@dataclass(frozen=True)
class IndexNames:
    prefix: str

    @property
    def alias(self) -> str:
        """The name every reader and writer uses; it points at exactly one index."""
        return f"{self.prefix}-items"

    @property
    def template(self) -> str:
        return f"{self.prefix}-items"

    @property
    def pattern(self) -> str:
        return f"{self.prefix}-items-v*"

    @property
    def sync_state(self) -> str:
        """Key of the index sync's watermark in the catalog."""
        return f"index:{self.alias}"

    def new_index(self, now: datetime | None = None) -> str:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
        return f"{self.prefix}-items-v{MAPPING_VERSION}-{stamp}"
