"""schema.org types: an object's types without prefix, and whether it is a posting or an event."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crawlers.normalise import clean_text

JOB_TYPES = frozenset({"JobPosting"})
EVENT_TYPES = frozenset(
    {
        "Event",
        "BusinessEvent",
        "ChildrensEvent",
        "ComedyEvent",
        "CourseInstance",
        "DanceEvent",
        "EducationEvent",
        "EventSeries",
        "ExhibitionEvent",
        "Festival",
        "FoodEvent",
        "Hackathon",
        "LiteraryEvent",
        "MusicEvent",
        "PublicationEvent",
        "SaleEvent",
        "ScreeningEvent",
        "SocialEvent",
        "SportsEvent",
        "TheaterEvent",
        "VisualArtsEvent",
    }
)


def types_of(node: Mapping[str, Any]) -> set[str]:
    """The node's types without prefix: "schema:JobPosting", a schema.org URL -> "JobPosting"."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    names = (re.split(r"[/:#]", v.strip())[-1] for v in values if isinstance(v, str))
    return {clean_text(name, 80) for name in names if name}


def kind_of(node: Mapping[str, Any]) -> str:
    types = types_of(node)
    if types & JOB_TYPES:
        return "job"
    return "event" if types & EVENT_TYPES else ""
