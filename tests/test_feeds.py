"""The pure feed parser on saved bodies: RSS 2.0, RSS 1.0 and Atom, as communities publish them."""

from datetime import UTC, datetime

import pytest

from crawlers.feeds import NotAFeed, parse
from tests.conftest import FIXTURES

BASE = "http://jobs.example.org"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _parse(name: str, kind: str = "job"):  # type: ignore[no-untyped-def]
    body = (FIXTURES / name).read_bytes().replace(b"{{BASE}}", BASE.encode())
    return parse(f"{BASE}/{name}", body, kind, now=NOW)


def test_rss_career_centre_feed() -> None:
    result = _parse("association/careers.rss")
    assert result.title == "Society of Healthcare Accountants — Career Center"
    first = result.items[0]
    assert first.title == "Revenue Cycle Director"
    assert first.organisation == "St. Mary's Regional Hospital"
    assert first.location == "Denver, CO"
    assert first.published_at == datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    assert first.tags == ("Director",)


def test_tracking_parameters_are_stripped_so_one_posting_has_one_url() -> None:
    rss = _parse("association/careers.rss").items[0]
    atom = _parse("alumni/jobs.atom").items[0]
    assert rss.url == atom.url == f"{BASE}/jobs/st-mary-revenue-cycle-director?id=77"


def test_bodies_are_sanitised_on_the_way_in() -> None:
    body = _parse("association/careers.rss").items[0].body
    assert "<b>patient accounting</b>" in body
    for hostile in ("<script", "javascript:", "onerror", "document.cookie", "<img"):
        assert hostile not in body


def test_a_title_that_contains_markup_is_kept_as_text() -> None:
    title = _parse("association/careers.rss").items[1].title
    assert title == 'Reimbursement Analyst <script>alert("title")</script>'


def test_a_date_far_in_the_future_is_dropped_not_trusted() -> None:
    assert _parse("association/careers.rss").items[2].published_at is None


def test_rss1_in_latin1_keeps_its_accents() -> None:
    result = _parse("meetup/events.rdf", "event")
    assert [i.kind for i in result.items] == ["event", "event"]
    assert "Café afterwards" in result.items[0].summary


def test_atom_content_and_summary() -> None:
    items = _parse("alumni/jobs.atom").items
    assert items[1].body == "<p>Own data management plans and EDC builds for oncology studies.</p>"
    assert items[1].published_at == datetime(2026, 11, 15, 15, 0, tzinfo=UTC)


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed):
        _parse("not-a-feed.html")


# --- Career-centre job feeds: employer, place, pay and type where career centres put them ---


def _career(name: str):  # type: ignore[no-untyped-def]
    return _parse(f"feeds/{name}")


def test_wp_job_manager_elements_fill_employer_location_and_type() -> None:
    grants, _, cfo = _career("wp-job-manager.rss").items
    assert (grants.title, grants.organisation, grants.location) == (
        "Grants Accountant",
        "Denver Food Bank",
        "Denver, CO",
    )
    assert grants.details["employment_type"] == "Full Time"
    assert grants.details["salary_text"] == "$58,000 \u2013 $66,000 per year"  # "Salary:" line
    assert cfo.location == "Anywhere"
    assert cfo.details["employment_type"] == "Freelance"


def test_wp_job_manager_dc_creator_is_the_wordpress_account_not_the_employer() -> None:
    bookkeeper = _career("wp-job-manager.rss").items[1]
    assert bookkeeper.organisation == ""  # not "boulderarts", the account that posted it
    assert bookkeeper.details["salary_text"] == "$28/hr"
    assert "author" not in bookkeeper.details


def test_title_employer_place_suffixes_are_split_off() -> None:
    items = _career("yourmembership.rss").items
    fields = [(i.title, i.organisation, i.location) for i in items]
    assert fields[0] == ("Revenue Cycle Director", "St. Mary's Hospital", "Denver, CO")
    assert fields[1] == ("Patient Access Manager", "Banner Health", "Greeley, Colorado")
    assert fields[4] == ("Data Analyst", "Acme Health Analytics", "Remote")
    assert fields[5] == ("Controller", "Lakeshore Physicians Group", "Chicago, IL")
    assert items[0].url == f"{BASE}/jobs/19847221/revenue-cycle-director"


def test_a_feed_of_title_employer_place_splits_a_place_it_does_not_know() -> None:
    nurse = _career("yourmembership.rss").items[2]
    assert (nurse.title, nurse.organisation, nurse.location) == (
        "Nurse Manager, Case Management",
        "Mercy Regional",
        "Durango",
    )


def test_an_ordinary_hyphenated_title_stays_whole_and_labelled_lines_fill_the_rest() -> None:
    analyst = _career("yourmembership.rss").items[3]
    assert analyst.title == "Senior Analyst - Finance"
    assert analyst.organisation == "Front Range Health Partners"
    assert analyst.location == "Fort Collins, CO"
    assert analyst.details["salary_text"] == "Competitive"


def test_labelled_description_lines_give_salary_and_type() -> None:
    items = _career("yourmembership.rss").items
    assert items[0].details == {
        "salary_text": "$140,000 - $165,000 a year",
        "employment_type": "Full-time",
    }
    assert items[5].details["salary_text"] == "USD 120K-135K per year"


def test_hyphenated_titles_in_a_feed_without_the_shape_stay_whole() -> None:
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title>
    <item><title>Senior Analyst - Finance - Operations</title><link>{BASE}/j/1</link></item>
    <item><title>Director - Sales</title><link>{BASE}/j/2</link></item>
    <item><title>Payroll Specialist - Remote Sensing Division</title><link>{BASE}/j/3</link></item>
    <item><title>Nurse (PRN)</title><link>{BASE}/j/4</link></item>
    </channel></rss>""".encode()
    items = parse(f"{BASE}/jobs.rss", rss, "job", now=NOW).items
    assert [(i.title, i.organisation, i.location) for i in items] == [
        ("Senior Analyst - Finance - Operations", "", ""),
        ("Director - Sales", "", ""),
        ("Payroll Specialist - Remote Sensing Division", "", ""),
        ("Nurse (PRN)", "", ""),
    ]


def test_indeed_style_elements_and_dc_creator_employer() -> None:
    rss = f"""<?xml version="1.0"?>
    <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Jobs</title>
    <item><title>Billing Specialist</title><link>{BASE}/j/9</link>
      <dc:creator>Peak Dermatology</dc:creator>
      <city>Colorado Springs</city><state>CO</state><country>US</country>
      <salary>$22 - $26 an hour</salary><jobtype>parttime</jobtype></item>
    </channel></rss>""".encode()
    item = parse(f"{BASE}/jobs.rss", rss, "job", now=NOW).items[0]
    assert item.organisation == "Peak Dermatology"
    assert item.location == "Colorado Springs, CO, US"
    assert item.details["salary_text"] == "$22 - $26 an hour"
    assert item.details["employment_type"] == "parttime"
    assert (item.details["city"], item.details["region"]) == ("Colorado Springs", "CO")


def test_career_centre_fields_are_not_taken_from_event_or_resource_feeds() -> None:
    items = _parse("feeds/yourmembership.rss", "resource").items
    assert items[0].title == "Revenue Cycle Director - St. Mary's Hospital - Denver, CO"
    assert items[0].organisation == ""


def test_a_json_feed_of_jobs_gets_the_same_extraction() -> None:
    integrity, auditor, cfo = _career("jobs.json").items
    assert (integrity.title, integrity.organisation, integrity.location) == (
        "Revenue Integrity Analyst",
        "St. Mary's Hospital",
        "Grand Junction, CO",
    )
    assert integrity.details["salary_text"] == "$72,000 - $84,000 per year"
    assert (auditor.title, auditor.organisation, auditor.location) == (
        "Coding Auditor",
        "Summit Coding Partners",
        "Remote - US",
    )
    assert auditor.details["employment_type"] == "Contract"
    assert (cfo.organisation, cfo.location, cfo.details["salary_text"]) == (
        "Valley View Clinic",
        "Glenwood Springs, CO",
        "DOE",
    )


def test_career_centre_items_enrich_into_comparable_values() -> None:
    from crawlers.enrich import enrich

    director = enrich(_career("yourmembership.rss").items[0])
    assert (director.details["city"], director.details["region"]) == ("Denver", "CO")
    assert director.details["employment_type"] == "full-time"
    assert director.details["salary"]["annual_min"] == 140000
    assert director.details["salary"]["currency"] == "USD"
    auditor = enrich(_career("jobs.json").items[1])
    assert auditor.details["remote"] == "remote"
    assert auditor.details["country"] == "US"
    assert auditor.details["salary"]["annual_max"] == 48 * 2080
