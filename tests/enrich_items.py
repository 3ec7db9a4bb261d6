"""The job item the enrich tests start from: one address, the details a parser stored."""

from typing import Any

from catalog.records import ParsedItem

URL = "https://jobs.example.org/jobs/1"


def job_item(title: str = "Staff Accountant", location: str = "", **details: Any) -> ParsedItem:
    return ParsedItem(url=URL, title=title, location=location, details=details)
