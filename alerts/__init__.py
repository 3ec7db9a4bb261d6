"""Alerts: saved searches replayed on newly indexed items -> outbox -> e-mail, webhooks, feeds.

Matching goes through the indexer's one query builder; nothing here crawls or writes the index.
"""
