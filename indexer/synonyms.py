"""Job-title synonyms, read from `job_title_synonyms.txt` and expanded by the query builder.

The test node has no synonym token filter (it lives in analysis-common), so the index keeps the
words as posted and a search for "VP Finance" asks for ("vp" or "vice president") and "finance".
Expanding at query time also means the dictionary can change without a reindex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

WORD = re.compile(r"[^\W_]+(?:[&/][^\W_]+)?")
MAX_MATCHED_WORDS = 5


def words(text: str) -> tuple[str, ...]:
    """Lowercased words as the dictionary compares them ("Sr." -> sr, "FP&A" -> fp&a)."""
    return tuple(WORD.findall(text.lower()))


@dataclass(frozen=True)
class Synonyms:
    """Each entry's words -> every phrase a search for it also finds (itself included)."""

    expansions: dict[tuple[str, ...], tuple[str, ...]]

    def longest_match(self, tokens: tuple[str, ...], start: int) -> tuple[int, tuple[str, ...]]:
        """The number of tokens from `start` that form the longest entry, and its phrases;
        (0, ()) when no entry starts there."""
        longest = min(MAX_MATCHED_WORDS, len(tokens) - start)
        for length in range(longest, 0, -1):
            found = self.expansions.get(tokens[start : start + length])
            if found:
                return length, found
        return 0, ()


def parse_synonyms(text: str) -> Synonyms:
    """Synonyms from Solr's format: `a, b, c` (all equivalent) or `a, b => c, d` (one way)."""
    expansions: dict[tuple[str, ...], list[str]] = {}
    for raw_line in text.splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        left, arrow, right = line.partition("=>")
        sources = _entries(left)
        targets = _entries(right) if arrow else sources
        for source in sources:
            key = words(source)
            if key:
                known = expansions.setdefault(key, [" ".join(key)])
                known.extend(t for t in targets if t not in known)
    return Synonyms({k: tuple(v) for k, v in expansions.items() if len(v) > 1})


def _entries(part: str) -> list[str]:
    return [" ".join(words(entry)) for entry in part.split(",") if words(entry)]


@cache
def job_title_synonyms() -> Synonyms:
    """The maintained dictionary shipped beside this module (read once per process)."""
    source = resources.files("indexer").joinpath("job_title_synonyms.txt")
    return parse_synonyms(source.read_text(encoding="utf-8"))
