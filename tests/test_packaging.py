"""The lock files keep up with pyproject.toml: every dependency is pinned, within its bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins(lock: str) -> dict[str, list[str]]:
    """Package -> the versions the lock pins (more than one when markers split them)."""
    found: dict[str, list[str]] = {}
    text = (ROOT / lock).read_text(encoding="utf-8")
    for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", text, re.M):
        found.setdefault(canonicalize_name(name), []).append(version)
    return found


@pytest.mark.parametrize(("lock", "extras"), [
    ("requirements.lock", ()),
    ("requirements-dev.lock", ("dev", "translate")),
    ("requirements-translate.lock", ("translate",)),
])
def test_every_dependency_is_locked_within_its_bounds(lock: str, extras: tuple[str, ...]) -> None:
    locked = pins(lock)
    wanted = [Requirement(r) for r in PROJECT["dependencies"]]
    wanted += [Requirement(r) for extra in extras for r in PROJECT["optional-dependencies"][extra]]
    for requirement in wanted:
        versions = locked.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in {lock}: run `make lock`"
        for version in versions:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {requirement.name}=={version}, outside {requirement}: "
                "run `make lock`")
