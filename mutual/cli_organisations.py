"""`mutual organisation ...`: an operator's merges and splits of organisation keys.

Keys come from catalog/organisations.py (docs/organisations.md); these commands correct them.
Each change marks the items and people it affects as changed: run `mutual index` after it.
"""

from __future__ import annotations

import click

from ground.settings import Settings
from mutual.cli_output import catalog_session, print_rows


@click.group()
def organisation() -> None:
    """Merge and split organisation keys (what /org/KEY pages and warm paths match on)."""


def _done(changed: int) -> None:
    click.echo(f"{changed} items and people read differently now: run `mutual index`")


@organisation.command("key")
@click.argument("name")
@click.pass_obj
def organisation_key_of(settings: Settings, name: str) -> None:
    """Print the key NAME has, with the merges and splits applied."""
    from catalog.organisation_overrides import load_resolver

    with catalog_session(settings) as session:
        click.echo(
            load_resolver(session, with_known=True).key(name) or "(no key: the name says nothing)"
        )


@organisation.command("merge")
@click.argument("source")
@click.argument("target")
@click.pass_obj
def organisation_merge(settings: Settings, source: str, target: str) -> None:
    """Make every organisation whose key is SOURCE read as TARGET (two keys, one employer)."""
    from catalog.organisation_overrides import merge_keys

    with catalog_session(settings) as session:
        _done(merge_keys(session, source, target))


@organisation.command("split")
@click.argument("name")
@click.argument("key")
@click.pass_obj
def organisation_split(settings: Settings, name: str, key: str) -> None:
    """Give the organisation written NAME its own KEY, apart from the others its key joined."""
    from catalog.organisation_overrides import split_name

    with catalog_session(settings) as session:
        _done(split_name(session, name, key))


@organisation.command("forget")
@click.argument("kind", type=click.Choice(["merge", "split"]))
@click.argument("source")
@click.pass_obj
def organisation_forget(settings: Settings, kind: str, source: str) -> None:
    """Undo a merge (give its SOURCE key) or a split (give its NAME)."""
    from catalog.organisation_overrides import forget_override

    with catalog_session(settings) as session:
        _done(forget_override(session, kind, source))


@organisation.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def organisation_list(settings: Settings, as_json: bool) -> None:
    """The merges and splits in force."""
    from catalog.organisation_overrides import list_overrides

    with catalog_session(settings) as session:
        rows = [
            {"kind": o.kind, "source": o.source, "target": o.target}
            for o in list_overrides(session)
        ]
    print_rows(rows, as_json, ["kind", "source", "target"])
