"""A page's microdata (itemscope, itemprop) as schema.org objects, read with extruct."""

from __future__ import annotations

from typing import Any

# extruct ships no type information (no py.typed); its results are plain dicts and lists.
import extruct  # type: ignore[import-untyped]


def read_microdata(tree: Any, url: str, warnings: list[str]) -> list[Any]:
    try:
        found = extruct.extract(tree, base_url=url, syntaxes=["microdata"], uniform=True)
    except Exception as exc:  # a malformed itemscope must not cost the JSON-LD
        warnings.append(f"microdata skipped ({type(exc).__name__})")
        return []
    return list(found.get("microdata") or [])
