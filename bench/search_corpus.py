"""A synthetic catalog for search benchmarks: jobs, events and resources of several communities.

Seeded, so every run searches the same items. Titles, organisations, places, salaries and event
times are drawn from realistic vocabularies; each community has public and member-only sources,
so the access filter has something to filter.

The documents are what `indexer.documents.item_document` makes of the catalog rows these items
would become (ids, status and expiry by `catalog.items`' own functions), built without the
catalog: storing 100,000 items through `store_items` (matching, near-duplicate blocks, aliases,
change log) takes about 2.3 ms an item on two cores, four minutes before indexing even starts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import RowMapping

from catalog.changes import ChangedItem, SightingRow
from catalog.item_keys import item_id_for
from catalog.items import expiry_of, status_of
from catalog.records import ParsedItem
from indexer.documents import item_document

JOB_TITLES = (
    "Financial Analyst", "Senior Software Engineer", "Software Engineer", "Data Scientist",
    "Product Manager", "Registered Nurse", "Controller", "VP Finance", "Marketing Manager",
    "UX Designer", "DevOps Engineer", "Account Executive", "Customer Success Manager",
    "HR Business Partner", "Operations Manager", "Project Manager", "Business Analyst",
    "Data Engineer", "Machine Learning Engineer", "Frontend Developer", "Backend Developer",
    "Full Stack Developer", "QA Engineer", "Technical Writer", "Sales Development Representative",
    "Recruiter", "Office Manager", "Staff Accountant", "Tax Manager", "Treasury Analyst",
    "Supply Chain Analyst", "Grant Writer", "Program Coordinator", "Policy Analyst",
    "Communications Director", "Executive Director", "Clinical Research Coordinator",
    "Pharmacist", "Physical Therapist", "Civil Engineer", "Mechanical Engineer", "Teacher",
    "Librarian", "Paralegal", "Attorney", "Chief Financial Officer", "Security Engineer",
    "Site Reliability Engineer", "Database Administrator", "Cloud Architect",
)  # fmt: skip
LEVELS = ("", "", "", "Senior ", "Lead ", "Principal ", "Junior ", "Associate ")
ORG_FIRST = (
    "Northwind", "Contoso", "Acme", "Blue Harbor", "Granite", "Summit", "Riverbend", "Evergreen",
    "Lakeshore", "Redwood", "Ironbridge", "Silverline", "Maple", "Cedar", "Pioneer", "Beacon",
    "Keystone", "Harborview", "Oakridge", "Brightpath", "Clearwater", "Highland", "Meridian",
    "Bluebird", "Crescent", "Fairview", "Golden Gate", "Horizon", "Liberty", "Union",
)  # fmt: skip
ORG_SECOND = (
    "Analytics", "Health", "Bank", "Capital", "Software", "Labs", "Logistics", "Energy",
    "Foundation", "University", "Hospital", "Insurance", "Media", "Robotics", "Foods",
    "Consulting", "Partners", "Systems", "Credit Union", "Pharmaceuticals",
)  # fmt: skip
CITIES = (
    ("Chicago", "IL", "US"), ("Denver", "CO", "US"), ("Austin", "TX", "US"),
    ("Boston", "MA", "US"), ("Seattle", "WA", "US"), ("San Francisco", "CA", "US"),
    ("New York", "NY", "US"), ("Atlanta", "GA", "US"), ("Minneapolis", "MN", "US"),
    ("Portland", "OR", "US"), ("Philadelphia", "PA", "US"), ("Raleigh", "NC", "US"),
    ("Toronto", "ON", "CA"), ("Vancouver", "BC", "CA"), ("London", "", "GB"),
    ("Manchester", "", "GB"), ("Dublin", "", "IE"), ("Phoenix", "AZ", "US"),
    ("Detroit", "MI", "US"), ("Pittsburgh", "PA", "US"),
)  # fmt: skip
SKILLS = (
    "Python", "SQL", "Excel", "forecasting", "budgeting", "reporting", "Kubernetes", "AWS",
    "stakeholder management", "patient care", "curriculum design", "contract negotiation",
    "data visualisation", "machine learning", "payroll", "audit", "compliance", "fundraising",
    "public speaking", "customer research", "Java", "React", "Terraform", "Tableau",
)  # fmt: skip
FILLER = (
    "we", "are", "looking", "for", "a", "team", "that", "values", "growth", "mentoring",
    "collaboration", "ownership", "our", "mission", "is", "to", "serve", "members", "and",
    "clients", "with", "care", "you", "will", "work", "closely", "across", "departments",
    "on", "projects", "that", "matter", "benefits", "include", "health", "insurance",
    "retirement", "plan", "paid", "leave", "flexible", "hours", "learning", "budget",
)  # fmt: skip
EVENT_TOPICS = (
    "Data Science", "Women in Tech", "Nonprofit Leadership", "Finance Careers", "Product",
    "Cloud Computing", "Healthcare Innovation", "Career Change", "Public Policy", "UX Research",
    "Startups", "Accounting", "Machine Learning", "Teaching", "Cybersecurity",
)  # fmt: skip
EVENT_FORMATS = (
    "{} Meetup", "Networking Night: {}", "Workshop: {}", "{} Career Fair", "Panel: {}",
    "Webinar: {}", "Lunch and Learn: {}", "{} Annual Conference", "Resume Review Clinic: {}",
    "Mock Interview Session: {}",
)  # fmt: skip
RESOURCE_FORMATS = (
    "A Guide to {}", "How to Negotiate Salary in {}", "Ten Interview Tips for {}",
    "Salary Survey 2026: {}", "Resume Template for {}", "Breaking into {}",
    "Mentoring Handbook: {}", "Reading List: {}",
)  # fmt: skip
COMMUNITIES = (
    ("Finance Professionals Association", "fpa"),
    ("State University Alumni", "state-alumni"),
    ("Women in Tech Chicago", "wit-chicago"),
    ("Python Meetup Denver", "pydenver"),
    ("Nonprofit Leaders Network", "nonprofit-leaders"),
    ("Healthcare Careers Guild", "health-guild"),
    ("St. Mark's Job Ministry", "st-marks"),
    ("Product People", "product-people"),
    ("Teachers' Exchange", "teachers"),
    ("Engineering Society", "eng-society"),
    ("Remote Workers Club", "remote-club"),
    ("Career Changers Online", "career-changers"),
)
EMPLOYMENT_TYPES = ("full-time", "full-time", "full-time", "part-time", "contract", "internship")
WORK_MODES = ("onsite", "onsite", "hybrid", "remote")
KIND_SHARES = (("job", 0.6), ("event", 0.25), ("resource", 0.15))
MEMBER_ONLY_SHARE = 0.3


COMMUNITY_NAMES = {slug: name for name, slug in COMMUNITIES}


@dataclass(frozen=True)
class SourceKey:
    """The source that carried an item: one per community, kind and access level."""

    community: str
    kind: str
    access: str

    @property
    def source_id(self) -> int:
        slugs = list(COMMUNITY_NAMES)
        kinds = list(MAKERS)
        return (
            (slugs.index(self.community) * len(kinds) + kinds.index(self.kind)) * 2
            + (self.access == "members")
            + 1
        )


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(count))


def _body(rng: random.Random, title: str, organisation: str) -> tuple[str, str]:
    skills = ", ".join(rng.sample(SKILLS, 3))
    summary = f"{organisation} is hiring: {title}. {_words(rng, 20)}. Skills: {skills}."
    paragraphs = [f"<p>{_words(rng, rng.randint(25, 45))}.</p>" for _ in range(3)]
    return summary, f"<p>{summary}</p>{''.join(paragraphs)}"


def _place(rng: random.Random) -> tuple[str, dict[str, Any]]:
    city, region, country = rng.choice(CITIES)
    location = f"{city}, {region}" if region else f"{city}, {country}"
    return location, {"city": city, "region": region or None, "country": country}


def _salary(rng: random.Random) -> dict[str, Any]:
    low = rng.randrange(40, 220) * 1000
    high = low + rng.randrange(10, 60) * 1000
    return {"min": low, "max": high, "currency": "USD", "period": "year"} | {
        "annual_min": low,
        "annual_max": high,
    }


def job(rng: random.Random, n: int, now: datetime) -> ParsedItem:
    title = f"{rng.choice(LEVELS)}{rng.choice(JOB_TITLES)}"
    organisation = f"{rng.choice(ORG_FIRST)} {rng.choice(ORG_SECOND)}"
    location, place = _place(rng)
    mode = rng.choice(WORK_MODES)
    summary, body = _body(rng, title, organisation)
    published = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
    details = place | {
        "remote": mode,
        "employment_type": rng.choice(EMPLOYMENT_TYPES),
        "valid_through": (published + timedelta(days=120)).isoformat(),
        # One publisher's ids: two postings with one title and place stay two jobs.
        "external_id": f"bench:{n}",
    }
    if rng.random() < 0.6:
        details["salary"] = _salary(rng)
    return ParsedItem(
        url=f"https://jobs.example.org/{n}",
        title=title,
        kind="job",
        summary=summary,
        body=body,
        organisation=organisation,
        location="Remote" if mode == "remote" else location,
        published_at=published,
        details=details,
    )


def event(rng: random.Random, n: int, now: datetime) -> ParsedItem:
    topic = rng.choice(EVENT_TOPICS)
    title = rng.choice(EVENT_FORMATS).format(topic)
    organisation = f"{rng.choice(ORG_FIRST)} {rng.choice(ORG_SECOND)}"
    location, place = _place(rng)
    start = now + timedelta(hours=rng.randrange(1, 24 * 90))
    attendance = rng.choice(("in-person", "online", "mixed"))
    summary, body = _body(rng, title, organisation)
    event_details = {
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "timezone": "America/Chicago",
        "all_day": False,
        "attendance": attendance,
        "venue": f"{organisation} Hall" if attendance != "online" else None,
        "status": "scheduled",
    }
    return ParsedItem(
        url=f"https://events.example.org/{n}",
        title=title,
        kind="event",
        summary=summary,
        body=body,
        organisation=organisation,
        location="Online" if attendance == "online" else location,
        published_at=now - timedelta(minutes=rng.randrange(60 * 24 * 30)),
        details=place | {"event": event_details, "external_id": f"bench:{n}"},
    )


def resource(rng: random.Random, n: int, now: datetime) -> ParsedItem:
    field = rng.choice(EVENT_TOPICS)
    title = rng.choice(RESOURCE_FORMATS).format(field)
    organisation = f"{rng.choice(ORG_FIRST)} {rng.choice(ORG_SECOND)}"
    summary, body = _body(rng, title, organisation)
    return ParsedItem(
        url=f"https://resources.example.org/{n}",
        title=title,
        kind="resource",
        summary=summary,
        body=body,
        organisation=organisation,
        published_at=now - timedelta(days=rng.randrange(365)),
        details={"author": f"{rng.choice(ORG_FIRST)} Editors", "content_type": "article"},
    )


MAKERS = {"job": job, "event": event, "resource": resource}


def generate(
    count: int, seed: int = 7, now: datetime | None = None
) -> Iterator[tuple[SourceKey, ParsedItem]]:
    """`count` items, each with the community source (kind, public or member-only) carrying it;
    postings and events are placed around `now` (default: this second)."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC).replace(microsecond=0)
    kinds = [kind for kind, _ in KIND_SHARES]
    weights = [share for _, share in KIND_SHARES]
    for n in range(count):
        kind = rng.choices(kinds, weights)[0]
        access = "members" if rng.random() < MEMBER_ONLY_SHARE else "public"
        community = rng.choice(COMMUNITIES)[1]
        yield SourceKey(community, kind, access), MAKERS[kind](rng, n, now)


def _changed_item(key: SourceKey, parsed: ParsedItem, n: int, now: datetime) -> ChangedItem:
    """The row the catalog would hold for `parsed`, seen once by the source `key` names."""
    expires_at = expiry_of(parsed)
    row = {
        "id": item_id_for(parsed.url),
        "kind": parsed.kind,
        "title": parsed.title,
        "summary": parsed.summary,
        "body": parsed.body,
        "url": parsed.url,
        "organisation": parsed.organisation,
        "location": parsed.location,
        "details": parsed.details,
        "status": status_of(parsed, expires_at, now),
        "tags": list(parsed.tags),
        "published_at": parsed.published_at,
        "first_seen": now,
        "changed_at": now,
        "change_seq": n,
    }
    sighting = SightingRow(
        source_id=key.source_id,
        access=key.access,
        community_slug=key.community,
        community_name=COMMUNITY_NAMES[key.community],
        first_seen=now,
    )
    return ChangedItem(row=cast("RowMapping", row), sightings=[sighting])


def documents(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """The index documents of `count` generated items, as `indexer.documents` builds them."""
    now = datetime.now(UTC).replace(microsecond=0)
    for n, (key, parsed) in enumerate(generate(count, seed, now), start=1):
        yield item_document(_changed_item(key, parsed, n, now), now)
