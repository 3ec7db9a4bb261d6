"""Exit codes of the `mutual` command, documented in the README."""

OK = 0
FAILURE = 1  # the command could not do its job (bad input, missing catalog, ...)
USAGE = 2  # wrong options or arguments (click's own code)
PARTIAL = 3  # done, but some sources failed or some documents were rejected
SEARCH_UNAVAILABLE = 4  # Elasticsearch could not be reached; nothing was lost
BUSY = 5  # another sync or rebuild holds the lock; nothing was done
REINDEX_NEEDED = 6  # the live index's mapping differs from the code's: run `mutual reindex`
CATALOG_UNAVAILABLE = 7  # the catalog could not be reached or written (down, disk full): run again
