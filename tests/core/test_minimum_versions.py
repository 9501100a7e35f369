"""The minimum-versions constraints that CI installs are exactly pyproject.toml's floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "packaging" / "constraints-minimum.txt"


def _floors(requirements: list[str]) -> dict[str, str]:
    floors = {}
    for text in requirements:
        requirement = Requirement(text)
        (floor,) = (s.version for s in requirement.specifier if s.operator == ">=")
        floors[canonicalize_name(requirement.name)] = floor
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (pin,) = requirement.specifier
            assert pin.operator == "==", line
            pins[canonicalize_name(requirement.name)] = pin.version
    return pins


def test_constraints_pin_every_floor_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floors = _floors(project["project"]["dependencies"])
    floors |= _floors(project["build-system"]["requires"])
    pins = _pins()
    # shiboken6 comes with PySide6 at the very same version.
    assert pins.pop("shiboken6") == pins["pyside6-essentials"]
    assert pins == floors
