"""The parts of the schema.org parser (crawlers/structured.py): syntaxes, values, kinds."""
