"""OPML: a community's feeds as the subscription list every feed reader imports and exports.

Reading uses listparser (given bytes, never a URL, so it fetches nothing; its lxml HTML parser
resolves no external entities). Writing uses ElementTree, which escapes every value.
"""

from __future__ import annotations

# ElementTree writes only; untrusted OPML is read by listparser.
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import format_datetime

import listparser
from sqlalchemy.orm import Session

from catalog.communities import get_community
from catalog.models.base import utcnow
from catalog.sources import SourceExists, add_source, list_sources
from ground.errors import MutualError

OPML_KINDS = ("feed", "calendar")


class InvalidOpml(MutualError):
    """The file is not an OPML subscription list with feeds in it."""


@dataclass
class OpmlImport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def feed_urls(body: bytes) -> list[tuple[str, str]]:
    """(URL, title) of each http(s) feed the OPML lists, in order, each once."""
    result = listparser.parse(body)
    found: dict[str, str] = {}
    for feed in result.feeds:
        url = str(feed.get("url") or "").strip()
        if url.startswith(("http://", "https://")) and url not in found:
            found[url] = str(feed.get("title") or "")[:500]
    if not found:
        reason = f" ({result.bozo_exception})" if result.get("bozo") else ""
        raise InvalidOpml(f"no feeds found in the OPML file{reason}")
    return list(found.items())


def import_opml(
    session: Session, slug: str, feeds: list[tuple[str, str]], item_kind: str = "job"
) -> OpmlImport:
    """Add each feed to the community as a feed source; ones it already has are kept."""
    report = OpmlImport()
    for url, title in feeds:
        try:
            add_source(session, slug, url, kind="feed", item_kind=item_kind, title=title)
        except SourceExists:
            report.kept.append(url)
        else:
            report.added.append(url)
    return report


def export_opml(session: Session, slug: str) -> str:
    """The community's public feeds and calendars as OPML 2.0 (member-only ones left out:
    an OPML file is made to be shared)."""
    community = get_community(session, slug)
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{community.name}: feeds (Mutual)"
    ET.SubElement(head, "dateCreated").text = format_datetime(utcnow())
    body = ET.SubElement(root, "body")
    group = ET.SubElement(body, "outline", text=community.name, title=community.name)
    for source in list_sources(session, slug):
        if source.kind in OPML_KINDS and source.access == "public":
            title = source.title or source.url
            ET.SubElement(group, "outline", type="rss", text=title, title=title, xmlUrl=source.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
