"""constraints.txt pins every dependency pyproject.toml declares, inside its range, and
everything those need in turn."""

from __future__ import annotations

import tomllib
from importlib.metadata import requires, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = Version(pinned)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(spec) for spec in specs]


def test_every_declared_dependency_is_pinned_inside_its_range() -> None:
    pins = _pins()
    for req in _declared():
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not in constraints.txt: run make lock"
        assert req.specifier.contains(pinned, prereleases=True), f"{req.name}=={pinned}: {req}"


def test_the_installed_versions_are_the_pinned_ones() -> None:
    pins = _pins()
    for req in _declared():
        assert Version(version(req.name)) == pins[canonicalize_name(req.name)], req.name


def test_what_the_dependencies_need_is_pinned_too() -> None:
    pins = _pins()
    todo = [(canonicalize_name(r.name), frozenset(r.extras)) for r in _declared()]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        assert name in pins, f"{name} is needed but not pinned: run make lock"
        for spec in requires(name) or []:
            req = Requirement(spec)
            wanted = req.marker is None or any(
                req.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            )
            if wanted:
                todo.append((canonicalize_name(req.name), frozenset(req.extras)))
    assert len(seen) > 50  # the walk really went through the dependency tree
