"""The steps of `crawlers.enrich.enrich`, one module per derived value."""
