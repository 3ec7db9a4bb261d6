"""Organisation keys: one stable, URL-safe key for the many ways a name is written.

"Acme Corp.", "ACME Corporation", "acme" and "The Acme Company, Inc." all get the key ``acme``.
How (docs/organisations.md): Unicode folded (NFKD, accents dropped, casefold), anything in
brackets dropped ("Acme (UK) Ltd"), legal forms removed in many locales by cleanco (GmbH, S.A.,
Ltd, Inc., LLC, Corp., AG, S.p.A., B.V., Pty Ltd, K.K., Sp. z o.o. ...) with the forms it
lacks added to its terms ("Aktiengesellschaft", "Spółka Akcyjna", "Berhad", "Abp", "& C.")
and "Kabushiki Kaisha" in front; a leading "The" dropped, "&" read
as "and", common abbreviations spelled out ("Intl", "Mfg", "Univ"), "X, University of" turned
round, then punctuation and spaces collapsed to single hyphens. A name with no Latin letters
left (a Japanese or Cyrillic name) gets ``u-`` and a short hash of its folded form: still stable.
When the name says nothing (empty, or a legal form alone) the employer's registrable domain
(catalog/organisation_match.registrable_domain) gives the key instead.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from cleanco.clean import (  # type: ignore[import-untyped]
    custom_basename,
    get_unique_terms,
    normalize_terms,
)

# Letters NFKD does not split into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"}
)
# Legal forms cleanco leaves (checked with cleanco 2.3), as folded words: added to its terms.
_LONG_FORMS = (
    "s.a.b. de c.v.",
    "s.a. de c.v.",
    "s. de r.l. de c.v.",
    "cooperative",
    "gesellschaft mit beschrankter haftung",
    "aktiengesellschaft",
    "kommanditgesellschaft",
    "sociedad anonima",
    "sociedade anonima",
    "societe anonyme",
    "societa per azioni",
    "spolka akcyjna",
    "spolka z ograniczona odpowiedzialnoscia",
    "sendirian berhad",
    "berhad",
    "abp",
    "& c.",
    "limited partnership",
    "company limited",
    "kabushiki kaisha",
    "yugen kaisha",
)
# cleanco's terms and ours, as cleanco's prepare_default_terms reads its own: each form's
# words without punctuation, the longest forms first ("sdn bhd" before "bhd").
_TERMS = tuple(
    (len(words), words)
    for words in sorted(
        (form.split() for form in normalize_terms(get_unique_terms() | set(_LONG_FORMS))),
        key=lambda words: (-len(words), words),
    )
)
# Prefixes that are legal forms: "Kabushiki Kaisha Toshiba", "PT Telkom", "OOO Yandex".
_LEADING_FORMS = ("kabushiki kaisha ", "pt ", "ooo ", "oao ", "zao ", "the ")
# Abbreviations written out, word for word (the other words are kept as they are).
ABBREVIATIONS = {
    "intl": "international",
    "int'l": "international",
    "mfg": "manufacturing",
    "univ": "university",
    "uni": "university",
    "natl": "national",
    "assn": "association",
    "assoc": "association",
    "dept": "department",
    "svcs": "services",
    "svc": "services",
    "mgmt": "management",
    "bros": "brothers",
    "ctr": "center",
    "centre": "center",
    "hosp": "hospital",
    "inst": "institute",
    "tech": "technology",
    "technologies": "technology",
    "labs": "laboratories",
    "lab": "laboratories",
    "sys": "systems",
    "mt": "mount",
    "ft": "fort",
    "co-op": "cooperative",
    "coop": "cooperative",
}
_INVERTED = re.compile(r"^(?P<place>[^,]+),\s*(?P<kind>university|college|bank) of$")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_JOINED = re.compile("['\u2019`\u00b4.]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold_text(text: str) -> str:
    """NFKD, combining marks dropped, casefolded: "Société Générale" -> "societe generale"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(kept.split())


def strip_legal_forms(folded: str) -> str:
    """The name without its legal forms, at the end or in front, however many there are."""
    previous = None
    name = _BRACKETS.sub(" ", folded).strip(" ,")
    while name != previous:
        previous = name
        name = custom_basename(name, _TERMS).strip(" ,.-")
        for prefix in _LEADING_FORMS:
            if name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix) :].strip()
    return name


def has_legal_form(name: str) -> bool:
    """Whether the name ends in a legal form: "Monzo Bank Ltd", "Nordea Bank Abp"."""
    folded = _BRACKETS.sub(" ", fold_text(name)).strip(" ,.-")
    return bool(folded) and custom_basename(folded, _TERMS).strip(" ,.-") != folded


def name_words(name: str, *, spell_out: bool = True) -> list[str]:
    """The words of an organisation name as keys see them: folded, formless, spelled out.

    `spell_out=False` leaves abbreviations as written ("Technolgies" stays near "Technologies").
    """
    plain = strip_legal_forms(fold_text(name))
    inverted = _INVERTED.match(plain)
    if inverted:
        plain = f"{inverted['kind']} of {inverted['place']}"
    plain = plain.replace("&", " and ").replace("+", " and ")
    spaced = plain.replace("-", " ").split()
    words = [ABBREVIATIONS.get(word.strip("."), word) for word in spaced] if spell_out else spaced
    joined = (_JOINED.sub("", word) for word in words)
    parts = (part for word in joined for part in _NOT_WORD.split(word))
    return [part for part in parts if part]


def _has_other_script(name: str) -> bool:
    folded = strip_legal_forms(fold_text(name))
    return any(char.isalpha() and not char.isascii() for char in folded)


# A pure function of its arguments, about 0.2 ms a call (cleanco's regexes): the index sync
# and the results page ask for the same few hundred employers over and over.
@lru_cache(maxsize=8192)
def organisation_key(name: str, domain: str = "") -> str:
    """The organisation's key: lowercase ASCII letters, digits and single hyphens.

    `domain` is the employer's registrable domain ("acme.com", from an apply URL or a website,
    see catalog.organisation_match.registrable_domain); it gives the key only when the name
    gives none. Empty when neither says anything.
    """
    if _has_other_script(name):
        digest = hashlib.blake2s(fold_text(name).encode("utf-8"), digest_size=5).hexdigest()
        return f"u-{digest}"
    words = name_words(name)
    if not words and domain:
        words = _NOT_WORD.split(domain.casefold())
    return "-".join(word for word in words if word)
