"""JSON-LD blocks of a page read one at a time, so that a broken block costs only itself."""

from __future__ import annotations

import re
from typing import Any

# extruct ships no type information (no py.typed); its results are plain dicts and lists.
from extruct.jsonld import JsonLdExtractor  # type: ignore[import-untyped]

MAX_BLOCKS = 100  # JSON-LD blocks read per page
MAX_BLOCK_CHARS = 4_000_000  # a bigger block is skipped, not parsed
_WRAPPERS = re.compile(r"<!--|-->|<!\[CDATA\[|\]\]>")


def read_jsonld(tree: Any, warnings: list[str]) -> list[Any]:
    scripts = [
        script
        for script in tree.xpath("//script[@type]")
        if str(script.get("type")).split(";")[0].strip().lower() == "application/ld+json"
    ]
    if len(scripts) > MAX_BLOCKS:
        warnings.append(f"read the first {MAX_BLOCKS} of {len(scripts)} JSON-LD blocks")
    data: list[Any] = []
    for number, script in enumerate(scripts[:MAX_BLOCKS], start=1):
        data.extend(_jsonld_block(script, number, warnings))
    return data


def _jsonld_block(script: Any, number: int, warnings: list[str]) -> list[Any]:
    """One block's objects; a block that cannot be read is skipped with a warning."""
    text = str(script.xpath("string()"))
    if len(text) > MAX_BLOCK_CHARS:
        warnings.append(f"JSON-LD block {number} skipped: {len(text)} characters is too long")
        return []
    try:
        # extruct reads strict JSON first, then forgives // and /* */ comments and trailing
        # commas; the second try also drops HTML comment and CDATA wrappers around the JSON.
        script.set("type", "application/ld+json")  # extruct matches this spelling only
        try:
            return list(JsonLdExtractor().extract_items(script))
        except ValueError:
            script.text = _WRAPPERS.sub("", text)
            return list(JsonLdExtractor().extract_items(script))
    except Exception as exc:  # any failure of a lenient third-party reader costs one block only
        warnings.append(f"JSON-LD block {number} skipped: not JSON ({type(exc).__name__})")
        return []
