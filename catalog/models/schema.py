"""The catalog's whole schema: the shared metadata with every model module's tables in it."""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import MetaData

# A model module adds its tables to Base.metadata only once imported. Alembic's env.py
# (catalog/migrations/env.py) compares against the metadata and emptying the catalog deletes
# from each of its tables, so both need every table: these imports are for that alone.
from catalog.models import (
    accounts,
    change_log,
    entry_claims,
    introductions,
    items,
    memberships,
    organisations,
    people,
    saved_searches,
    sources,
)
from catalog.models.base import Base

# Named, so that the imports above are plainly used.
MODEL_MODULES: tuple[ModuleType, ...] = (
    accounts,
    change_log,
    entry_claims,
    introductions,
    items,
    memberships,
    organisations,
    people,
    saved_searches,
    sources,
)


def catalog_metadata() -> MetaData:
    """Base.metadata holding every table of the catalog."""
    return Base.metadata
