"""Precision, recall and F1 from the confusion counts of a labelled set of pairs (the matching
benches: organisations, duplicates)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Confusion:
    """How many pairs were judged the same or not, against their labels."""

    true_positive: int
    false_positive: int
    true_negative: int
    false_negative: int

    @property
    def precision(self) -> float:
        decided_same = self.true_positive + self.false_positive
        return self.true_positive / decided_same if decided_same else 1.0

    @property
    def recall(self) -> float:
        labelled_same = self.true_positive + self.false_negative
        return self.true_positive / labelled_same if labelled_same else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0
