"""Merging and splitting organisation keys: an admin's word over the normaliser's.

The normaliser (catalog/organisations.py) is precision first, so it leaves some names apart
that are one employer ("Acme Corp" and "Acme Robotics Inc." when Acme renamed itself), and
now and then joins two that are not. An operator merges two keys or splits one name off; the
resolver applies that to every key Mutual computes: people as they are written, items as they
are indexed. A change marks what it affects as changed, so the next `mutual index` re-sends it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalog.models.items import Item
from catalog.models.organisations import OrganisationFollow, OrganisationOverride
from catalog.models.people import Person
from catalog.organisation_match import known_match
from catalog.organisations import fold_text, organisation_key
from catalog.sequences import PEOPLE_CHANGES, next_value
from ground.errors import MutualError

MERGE = "merge"
SPLIT = "split"
_MAX_HOPS = 10  # a chain of merges longer than this is a loop the checks missed


class OverrideInvalid(MutualError):
    """A merge or split that would make no sense (a key into itself, a loop, a bad key)."""


@dataclass(frozen=True)
class OrganisationResolver:
    """Keys with the admins' merges and splits applied; built once per sync or request.

    With `known` (the catalog's organisations: {key: a name written with it}), a name whose
    own key is new takes the key of a known organisation that `same_organisation` finds to be
    the same ("Salesforse" where "Salesforce" is known), so near matches, not only equal keys,
    put a typo and its employer on one page."""

    merges: dict[str, str] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)
    _near: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def key(self, name: str, domain: str = "") -> str:
        split = self.splits.get(fold_text(name))
        if split:
            return self.canonical(split)
        own = self.canonical(organisation_key(name, domain))
        if not own or not self.known or own in self.known:
            return own
        if own not in self._near:
            self._near[own] = known_match(name, own, self.known) or own
        return self.canonical(self._near[own])

    def canonical(self, key: str) -> str:
        for _ in range(_MAX_HOPS):
            if key not in self.merges:
                return key
            key = self.merges[key]
        return key


def load_resolver(session: Session, *, with_known: bool = False) -> OrganisationResolver:
    """The admins' merges and splits; `with_known` also the catalog's organisations, for
    keying names as they are written (items and people)."""
    rows = session.scalars(select(OrganisationOverride))
    resolver = OrganisationResolver(known=known_organisations(session) if with_known else {})
    for row in rows:
        (resolver.merges if row.kind == MERGE else resolver.splits)[row.source] = row.target
    return resolver


def known_organisations(session: Session) -> dict[str, str]:
    """Every organisation key items and people carry, with one name written with it."""
    known: dict[str, str] = {}
    for model in (Item, Person):
        rows = session.execute(
            select(model.organisation_key, func.min(model.organisation))
            .where(model.organisation_key != "")
            .group_by(model.organisation_key)
        )
        for key, name in rows:
            known.setdefault(key, name)
    return known


def _checked_key(key: str) -> str:
    if not key or organisation_key(key) != key:
        raise OverrideInvalid(f"{key!r} is not an organisation key (like acme or st-marys)")
    return key


def merge_keys(session: Session, source: str, target: str) -> int:
    """Make `source` read as `target`; how many items and people that changes."""
    source, target = _checked_key(source), _checked_key(target)
    if load_resolver(session).canonical(target) == source or source == target:
        raise OverrideInvalid(f"merging {source} into {target} would make a loop")
    session.merge(OrganisationOverride(kind=MERGE, source=source, target=target))
    session.flush()
    return mark_changed(session, {source})


def split_name(session: Session, name: str, key: str) -> int:
    """Give the organisation name `name` its own key; how many items and people that changes."""
    folded = fold_text(name)
    if not folded:
        raise OverrideInvalid("a split needs the organisation's name as it is written")
    before = load_resolver(session).key(name)
    session.merge(OrganisationOverride(kind=SPLIT, source=folded, target=_checked_key(key)))
    session.flush()
    return mark_changed(session, {before, key})


def forget_override(session: Session, kind: str, source: str) -> int:
    """Undo a merge (by its key) or a split (by its name)."""
    wanted = source if kind == MERGE else fold_text(source)
    row = session.get(OrganisationOverride, (kind, wanted))
    if row is None:
        raise OverrideInvalid(f"no {kind} of {source!r} to forget")
    resolver = load_resolver(session)
    affected = {resolver.canonical(row.target), row.source if kind == MERGE else row.target}
    session.delete(row)
    session.flush()
    return mark_changed(session, affected)


def list_overrides(session: Session) -> list[OrganisationOverride]:
    return list(
        session.scalars(
            select(OrganisationOverride).order_by(
                OrganisationOverride.kind, OrganisationOverride.source
            )
        )
    )


def mark_changed(session: Session, keys: set[str]) -> int:
    """Give every item and person whose organisation reads as one of `keys` (before or after
    the change) a new change number, so both indices re-send them with their new key."""
    resolver = load_resolver(session)
    names = session.scalars(select(Item.organisation).distinct())
    hit = [n for n in names if organisation_key(n) in keys or resolver.key(n) in keys]
    items = list(session.scalars(select(Item).where(Item.organisation.in_(hit)))) if hit else []
    seq = next_value(session) if items else 0
    for item in items:
        item.organisation_key = resolver.key(item.organisation)
        item.change_seq = seq
    people = _rekey_people(session, resolver, keys)
    session.flush()
    return len(items) + people


def rekey_catalog(session: Session) -> tuple[int, int]:
    """Give every item and person whose organisation reads as another key under today's rules
    (an upgrade changed them) that key and a new change number; how many items and people
    changed. `mutual reindex` runs it before rebuilding the indices, which copy stored keys."""
    resolver = load_resolver(session)
    items = 0
    stale = [
        (name, key)
        for name, key in session.execute(
            select(Item.organisation, Item.organisation_key).distinct()
        )
        if resolver.key(name) != key
    ]
    seq = next_value(session) if stale else 0
    moves: dict[str, set[str]] = defaultdict(set)
    for name, key in stale:
        result = session.execute(
            update(Item)
            .where(Item.organisation == name, Item.organisation_key == key)
            .values(organisation_key=resolver.key(name), change_seq=seq)
        )
        items += int(getattr(result, "rowcount", 0) or 0)
        moves[key].add(resolver.key(name))
    people = _rekey_people(session, resolver, None, moves)
    session.flush()
    _move_follows(session, moves)
    return items, people


def _move_follows(session: Session, moves: dict[str, set[str]]) -> None:
    """Follows of a key nothing carries any more move to the one key its names read as now
    (a follower who follows both keeps one follow); a key split among several stays."""
    carried = set(known_organisations(session))
    for old, new in moves.items():
        if old in carried or len(new) != 1 or not old:
            continue
        (target,) = new
        for follow in session.scalars(
            select(OrganisationFollow).where(OrganisationFollow.key == old)
        ):
            if target and session.get(OrganisationFollow, (follow.user_id, target)) is None:
                session.add(
                    OrganisationFollow(
                        user_id=follow.user_id,
                        key=target,
                        created_at=follow.created_at,
                        seen_seq=follow.seen_seq,
                        announced=list(follow.announced),
                    )
                )
            session.delete(follow)
    session.flush()


def _rekey_people(
    session: Session,
    resolver: OrganisationResolver,
    keys: set[str] | None,
    moves: dict[str, set[str]] | None = None,
) -> int:
    """Re-key the people whose key changes and, unless `keys` is None, concerns `keys`
    (noting each old key's new one in `moves`)."""
    changed = 0
    for person in session.scalars(select(Person).where(Person.organisation != "")):
        new_key = resolver.key(person.organisation)
        if new_key != person.organisation_key and (
            keys is None or new_key in keys or person.organisation_key in keys
        ):
            if moves is not None:
                moves[person.organisation_key].add(new_key)
            person.organisation_key = new_key
            person.change_seq = next_value(session, PEOPLE_CHANGES)
            changed += 1
    return changed
