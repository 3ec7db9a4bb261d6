"""Mutual: one search across the job boards, events and resources of all your communities."""

__version__ = "0.1.0"
