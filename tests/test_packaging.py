"""The packaging installs every floor: pyproject's package list and the Dockerfile's copies name
each package of the import-linter layers contract, so no new floor is left out of the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _floors() -> list[str]:
    contracts = _pyproject()["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return list(layers)


def test_every_top_level_package_is_a_floor() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages == set(_floors())
    assert set(_pyproject()["tool"]["importlinter"]["root_packages"]) == packages


def test_pyproject_installs_every_floor() -> None:
    included = _pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {name.rstrip("*") for name in included} == set(_floors())


def test_the_image_copies_every_floor() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY --chown=\S+ (\w+) \./\1$", dockerfile, flags=re.MULTILINE))
    assert set(_floors()) <= copied


def test_the_architecture_page_names_every_floor_in_order() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = page.split("```")[3]  # the second code block: the floors, top first
    named = [line.split()[0] for line in diagram.strip().splitlines()]
    assert named == _floors()
