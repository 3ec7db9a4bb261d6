"""Everything that knows Elasticsearch: mapping, sync from the catalog, the query builder."""
