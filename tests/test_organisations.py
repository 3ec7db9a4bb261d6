"""Organisation keys and matching (catalog/organisations.py, catalog/organisation_match.py)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from bench.organisation_matching import (
    DATA,
    HOLDOUT_DATA,
    PRECISION_GOAL,
    RECALL_GOAL,
    load_pairs,
    score_pairs,
)
from catalog.organisation_match import registrable_domain, same_organisation
from catalog.organisations import organisation_key

URL_SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    "name", ["Acme Corp.", "ACME Corporation", "acme", "The Acme Company, Inc.", "Acme (UK) Ltd"]
)
def test_the_issues_acme_names_get_one_key(name: str) -> None:
    assert organisation_key(name) == "acme"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siemens AG", "Siemens Aktiengesellschaft"),
        ("Müller GmbH & Co. KG", "Mueller"),
        ("Nestlé S.A.", "NESTLE"),
        ("Fiat S.p.A.", "Fiat"),
        ("Philips B.V.", "Philips"),
        ("Atlassian Pty Ltd", "Atlassian"),
        ("Kabushiki Kaisha Toshiba", "Toshiba K.K."),
        ("Allegro Sp. z o.o.", "Allegro"),
        ("Grupo Bimbo S.A.B. de C.V.", "Grupo Bimbo"),
        ("Société Générale", "Societe Generale SA"),
        ("Procter & Gamble", "Procter and Gamble Co."),
        ("Acme Intl.", "Acme International"),
        ("Acme Mfg. Co.", "Acme Manufacturing Company"),
        ("Oxford, University of", "University of Oxford"),
        ("Microsfot", "Microsoft"),
        ("PricewaterhouseCoopers", "Pricewaterhouse Coopers"),
    ],
)
def test_legal_forms_locales_and_spellings_are_one_organisation(a: str, b: str) -> None:
    assert same_organisation(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Robotics", "Acme Roofing"),
        ("Acme", "Acme Robotics"),
        ("Northwind Health", "Northwind Health Partners"),
        ("General Motors", "General Mills"),
        ("University of Washington", "Washington University"),
        ("University of Miami", "Miami University"),
        ("Cigna", "Signa"),
        ("Globex", "Globe"),
        ("Dell", "Bell"),
        ("IBM", "International Business Machines"),
    ],
)
def test_look_alikes_stay_apart(a: str, b: str) -> None:
    assert not same_organisation(a, b)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme Spółka Akcyjna", "acme"),
        ("Acme Spółka z ograniczoną odpowiedzialnością", "acme"),
        ("Acme Dagangan Berhad", "acme-dagangan"),
        ("Acme Sendirian Berhad", "acme"),
        ("Acme Oyj Abp", "acme"),
        ("Acme & C. S.p.A.", "acme"),
    ],
)
def test_legal_forms_cleanco_leaves_are_removed_too(name: str, key: str) -> None:
    assert organisation_key(name) == key
    assert organisation_key(key) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Addidas", "Adidas"),
        ("Qualcom", "Qualcomm"),
        ("Volkswagon", "Volkswagen"),
        ("Acme Technolgies", "Acme Technologies"),
        ("Acme Airline", "Acme Airlines"),
        ("Acme Bank Ltd", "Acme"),
        ("Acme Bank Abp", "Acme"),
    ],
)
def test_doubled_letters_long_word_typos_plurals_and_registered_banks_join(a: str, b: str) -> None:
    assert same_organisation(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Apple", "Apple Bank"),
        ("Cargill", "Cargills"),
        ("Discover", "Discovery"),
        ("Vanguard", "Vantguard"),
        ("Harbor Freight", "Harbour Freight"),
        ("Acme Foods", "Acme Goods"),
    ],
)
def test_the_new_rules_keep_first_word_plurals_and_bare_banks_apart(a: str, b: str) -> None:
    assert not same_organisation(a, b)


def test_the_employer_domain_decides_when_both_are_known() -> None:
    assert same_organisation("IBM", "International Business Machines", "ibm.com", "ibm.com")
    assert not same_organisation("Delta", "Delta", "delta.com", "deltafaucet.com")


def test_a_shared_job_board_says_nothing_about_the_employer() -> None:
    assert registrable_domain("https://boards.greenhouse.io/acme/jobs/1") == ""
    assert registrable_domain("https://jobs.acme.co.uk/apply?id=3") == "acme.co.uk"
    assert registrable_domain("careers.siemens.de") == "siemens.de"


def test_registrable_domains_are_read_without_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tldextract tried the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert registrable_domain("https://www.bbc.co.uk/careers") == "bbc.co.uk"


def test_an_admins_decision_overrides_the_matcher() -> None:
    def merged(a: str, b: str) -> bool | None:
        return True if {a, b} == {"ibm", "international-business-machines"} else None

    assert same_organisation("IBM", "International Business Machines", overrides=merged)
    assert not same_organisation("Acme", "ACME Corp.", overrides=lambda a, b: False)
    assert same_organisation("Acme", "ACME Corp.", overrides=merged)


@pytest.mark.parametrize(
    "name", ["Acme Corp.", "L'Oréal S.A.", "AT&T Inc.", "トヨタ自動車株式会社", "Сбербанк", "3M"]
)
def test_keys_are_stable_and_url_safe(name: str) -> None:
    key = organisation_key(name)
    assert URL_SAFE.match(key)
    assert key == organisation_key(name) == organisation_key(f"  {name.upper()}  ")


def test_a_name_that_is_only_a_legal_form_takes_the_domain() -> None:
    assert organisation_key("Inc.") == ""
    assert organisation_key("Inc.", "acme.com") == "acme-com"
    assert organisation_key("Acme Inc.", "globex.com") == "acme"


def test_the_labelled_pairs_meet_the_goals() -> None:
    pairs = load_pairs(DATA)
    result = score_pairs(pairs)
    assert len(pairs) >= 300
    assert sum(not pair.same for pair in pairs) >= len(pairs) / 3
    assert result.precision >= PRECISION_GOAL, result.wrong
    assert result.recall >= RECALL_GOAL, result.wrong


@pytest.mark.parametrize("path", HOLDOUT_DATA)
def test_the_hold_out_sets_keep_the_precision_goal(path: Path) -> None:
    result = score_pairs(load_pairs(path))
    assert result.precision >= PRECISION_GOAL, result.wrong


def test_a_new_name_takes_the_key_of_the_known_organisation_it_is_near() -> None:
    """Names are keyed as they are written into the catalog, against the organisations it
    already knows: a typo or another spelling joins its employer; a look-alike does not."""
    from catalog.organisation_overrides import OrganisationResolver

    known = {
        "salesforce": "Salesforce",
        "pricewaterhousecoopers": "PricewaterhouseCoopers",
        "acme-robotics": "Acme Robotics",
        "cigna": "Cigna",
    }
    resolver = OrganisationResolver(known=known)
    assert resolver.key("Salesforse") == "salesforce"
    assert resolver.key("Pricewaterhouse Coopers LLP") == "pricewaterhousecoopers"
    assert resolver.key("Acme Roofing") == "acme-roofing"  # another company
    assert resolver.key("Signa") == "signa"  # a one-letter look-alike of a short name
    assert resolver.key("Acme Robotics Inc.") == "acme-robotics"  # known already: as is
    assert OrganisationResolver().key("Salesforse") == "salesforse"  # nothing known
    # An admin's merge still wins over the near match's target.
    merged = OrganisationResolver(merges={"salesforce": "salesforce-inc"}, known=known)
    assert merged.key("Salesforse") == "salesforce-inc"
