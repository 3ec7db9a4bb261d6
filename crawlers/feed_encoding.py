"""Feeds whose bytes are UTF-8 whatever they say: read as UTF-8, and the lie named.

A feed that declares Latin-1 (in its XML declaration or its Content-Type) but is written in
UTF-8, or declares UTF-8 and holds a few invalid bytes, would otherwise be read by feedparser as
Latin-1 or Windows-1252 from end to end: every accent turns into two signs ("CafÃ©"). When the
body holds sequences only UTF-8 makes and at most four bad bytes for each, it is decoded
as UTF-8 (bad bytes replaced), its declaration made to say so, and a warning returned for the
source's health. Bodies with a byte-order mark, and single-byte text that is not UTF-8 (a real
Latin-1 feed), are left as they are.
"""

from __future__ import annotations

import codecs
import re

_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])([\w.:-]+)\2""", re.I)
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_UTF8 = {"utf-8", "utf8"}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def declared_encoding(body: bytes, content_type: str | None) -> str | None:
    """What the response says it is: the Content-Type's charset, else the XML declaration's."""
    header = _CHARSET.search(content_type or "")
    if header:
        return header.group(1).lower()
    found = _DECLARATION.match(body[:512])
    return found.group(3).decode("ascii").lower() if found else None


def as_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None, str | None]:
    """The body, its Content-Type and a warning: rewritten as UTF-8 when its bytes are UTF-8
    in disguise (see the module's docstring), else unchanged with no warning."""
    declared = declared_encoding(body, content_type)
    if body.startswith(_BOMS) or (declared or "").startswith(("utf-16", "utf-32")):
        return body, content_type, None
    good = len(_MULTIBYTE.findall(body))
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - body.count("\ufffd".encode())
    if good == 0 or bad > 4 * good or (bad == 0 and declared in (None, *_UTF8)):
        return body, content_type, None
    rewritten = _DECLARATION.sub(rb"\1\2utf-8\2", text.encode("utf-8"), count=1)
    media_type = (content_type or "").split(";")[0].strip() or None
    replaced = f"{bad} invalid bytes replaced"
    if declared in _UTF8:
        return rewritten, media_type, f"the feed is not valid UTF-8: {replaced}"
    said = f"declares {declared}" if declared else "declares no encoding"
    note = f"the feed {said} but is written in UTF-8" + (f"; {replaced}" if bad else "")
    return rewritten, media_type, note
