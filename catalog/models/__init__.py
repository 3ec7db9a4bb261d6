"""The catalog's tables, one module per domain, on one declarative Base (`base`): the system of
record from which the index can always be rebuilt. `schema` holds every table at once."""
