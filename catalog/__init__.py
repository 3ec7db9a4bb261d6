"""The catalog: communities, sources, items and sync state (the system of record)."""
