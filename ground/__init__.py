"""Ground floor: what every floor shares (settings, errors, exit codes, version, logging).

It imports nothing of the project, so every other package may import it (docs/architecture.md).
"""
