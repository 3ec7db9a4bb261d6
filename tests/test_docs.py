"""The README documents every setting and every command; these fail when one is missing."""

import click

from ground.settings import describe_settings
from mutual.cli import cli
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _command_paths(group: click.Group, prefix: str = "mutual") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
    return paths


def test_every_setting_is_in_the_readme() -> None:
    missing = [info.env for info in describe_settings() if info.env not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_command_is_in_the_readme() -> None:
    missing = [path for path in _command_paths(cli) if f"`{path}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_has_help() -> None:
    for path in _command_paths(cli):
        parts = path.split()[1:]
        command: click.Command = cli
        for part in parts:
            assert isinstance(command, click.Group)
            command = command.commands[part]
        assert (command.help or "").strip(), f"{path} has no help text"
