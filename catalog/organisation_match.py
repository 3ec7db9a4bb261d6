"""Whether two organisation names (and domains) are the same organisation: precision first.

The order of the decision (docs/organisations.md):
1. an admin's decision, when `overrides` knows the pair of keys (merge: True, split: False);
   the table behind it is later work: any callable `(key_a, key_b) -> bool | None` will do;
2. both employer domains known: the same registrable domain decides (shared hosts such as job
   boards and mail providers are ignored); two different domains keep them apart, even under
   one name ("Delta" on delta.com and on deltafaucet.com);
3. the same key (catalog.organisations.organisation_key): the same organisation;
4. near matches by rapidfuzz, word by word, in order, the words read spelled out and as
   written ("Technolgies"), and a registered name without the "Bank" before its legal form
   ("Monzo Bank Ltd" reads as "Monzo"): the same number of words, each alike but for the
   typos that rarely make another name: two neighbouring letters swapped ("Microsfot") in a
   word of five letters or more, a doubled letter written once or a letter doubled
   ("Addidas", "Qualcom") in a word of five or more, any one letter more, less or changed in
   a word of nine or more ("Labratories", "Volkswagon"), German umlauts written out
   ("Mueller", "Müller"), a plural "s" on a word after the first ("American Airline"); or the
   same letters with the spaces left out ("Pricewaterhouse Coopers"). A letter changed
   ("Cigna" and "Signa", "Acme Foods" and "Acme Goods") or dropped from a shorter word
   ("Globex" and "Globe", "Discover" and "Discovery") is another name, and so is a plural
   first word ("Cargill" and "Cargills").
A word more on one side is another organisation ("Northwind Health" and "Northwind Health
Partners", "Acme" and "Acme Robotics", "Apple" and "Apple Bank"), and so is a different word
("Acme Robotics" and "Acme Roofing"). Acronyms ("IBM" and "International Business Machines")
are not guessed: the domain or an admin's merge joins them.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from urllib.parse import urlsplit

import tldextract
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from catalog.organisations import has_legal_form, name_words, organisation_key

Overrides = Callable[[str, str], bool | None]

# Hosts many employers share: a posting on one says nothing about whose it is.
SHARED_DOMAINS = frozenset(
    {
        "greenhouse.io",
        "lever.co",
        "ashbyhq.com",
        "workable.com",
        "smartrecruiters.com",
        "myworkdayjobs.com",
        "workday.com",
        "icims.com",
        "jobvite.com",
        "bamboohr.com",
        "recruitee.com",
        "teamtailor.com",
        "personio.de",
        "personio.com",
        "breezy.hr",
        "linkedin.com",
        "indeed.com",
        "glassdoor.com",
        "google.com",
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "eventbrite.com",
        "meetup.com",
        "github.io",
        "wordpress.com",
        "notion.site",
    }
)
# Words that say nothing about which organisation it is, left out of near matches.
WEAK_WORDS = frozenset({"and", "of", "the", "group", "holdings", "holding"})
# Words a registered name carries before its legal form: "Monzo Bank Ltd" is the bank Monzo,
# so near matches also read it without them; "Apple Bank" (no legal form) stays another name.
REGISTERED_WORDS = frozenset({"bank"})
# Letters a word needs before one edit of any kind is read as a typo ("Volkswagon").
LONG_WORD = 9
# Letters a word needs before a doubled letter written once (or a letter doubled) is a typo.
DOUBLED_WORD = 5
# Known keys this alike to a new name's own key (rapidfuzz WRatio, 0 to 100) are asked whether
# they are the same organisation; same_organisation decides, so this only bounds the work.
_CANDIDATE_SCORE = 70


def offline_extractor() -> tldextract.TLDExtract:
    """A tldextract reader of the Public Suffix List snapshot it ships: it never fetches."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def registrable_domain(url_or_host: str, extractor: tldextract.TLDExtract | None = None) -> str:
    """ "https://jobs.acme.co.uk/apply" -> "acme.co.uk"; "" for shared hosts and non-domains.

    Pass one `extractor` (offline_extractor()) when reading many: making one reads the list.
    """
    text = url_or_host.strip().casefold()
    if not text:
        return ""
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    parts = (extractor or offline_extractor())(host)
    domain = parts.top_domain_under_public_suffix
    return "" if domain in SHARED_DOMAINS else domain


def same_organisation(
    a: str,
    b: str,
    domain_a: str = "",
    domain_b: str = "",
    overrides: Overrides | None = None,
) -> bool:
    """True when names `a` and `b` (with their registrable domains, if known) are one employer."""
    key_a, key_b = organisation_key(a, domain_a), organisation_key(b, domain_b)
    decided = overrides(key_a, key_b) if overrides else None
    if decided is not None:
        return decided
    if domain_a and domain_b:
        return domain_a == domain_b
    if key_a and key_a == key_b:
        return True
    return any(near_match(x, y) for x, y in product(word_views(a), word_views(b)))


def word_views(name: str) -> list[list[str]]:
    """The name's words spelled out, as written, and without a registered name's "Bank"."""
    spelled = name_words(name)
    views = [spelled, name_words(name, spell_out=False)]
    if len(spelled) > 1 and spelled[-1] in REGISTERED_WORDS and has_legal_form(name):
        views.append(spelled[:-1])
    return views


def near_match(words_a: list[str], words_b: list[str]) -> bool:
    """The same words in the same order, allowing a typo, and a plural after the first word."""
    strong_a = [word for word in words_a if word not in WEAK_WORDS]
    strong_b = [word for word in words_b if word not in WEAK_WORDS]
    if not strong_a or not strong_b:
        return False
    if strong_a == strong_b:
        return True
    if "".join(strong_a) == "".join(strong_b):
        return True
    if len(strong_a) != len(strong_b):
        return False
    pairs = enumerate(zip(strong_a, strong_b, strict=True))
    return all(_near_word(x, y) or (i > 0 and _plural(x, y)) for i, (x, y) in pairs)


def _near_word(a: str, b: str) -> bool:
    if a == b or _umlauts_read(a) == _umlauts_read(b):
        return True
    shorter = min(len(a), len(b))
    if shorter < 5 or a.isdigit() or b.isdigit() or OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    if shorter >= LONG_WORD:
        return True
    if len(a) == len(b):  # one edit of the same length: a swap, or a letter changed
        return Levenshtein.distance(a, b, score_cutoff=1) > 1
    return shorter >= DOUBLED_WORD and _doubled_letter(a, b)


def _doubled_letter(a: str, b: str) -> bool:
    """One letter more or less, next to the same letter: "Addidas", "Qualcom", "Deloite"."""
    edits = list(Levenshtein.editops(a, b))
    if len(edits) != 1:
        return False
    edit = edits[0]
    word, at = (a, edit.src_pos) if edit.tag == "delete" else (b, edit.dest_pos)
    return word[at] in word[max(at - 1, 0) : at] + word[at + 1 : at + 2]


def _plural(a: str, b: str) -> bool:
    """A plural "s" more or less: "Airline" and "Airlines" (never on the first word)."""
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and longer == f"{shorter}s"


def _umlauts_read(word: str) -> str:
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def known_match(name: str, own_key: str, known: dict[str, str], limit: int = 10) -> str:
    """The key of a known organisation ({key: a name written with it}) that is the same as
    `name` (whose own key, `own_key`, is not among them), or "". Candidates are the known keys
    nearest `own_key` (rapidfuzz, at most `limit`); `same_organisation` decides, without
    domains: the catalog does not know its employers' domains."""
    candidates = process.extract(
        own_key, list(known), scorer=fuzz.WRatio, score_cutoff=_CANDIDATE_SCORE, limit=limit
    )
    for key, _, _ in candidates:
        if same_organisation(name, known[key]):
            return str(key)
    return ""
