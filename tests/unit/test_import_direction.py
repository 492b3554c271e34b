"""Imports point one way: normalizer <- ledgerstore <- reporting <- workers (and the CLI)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("normalizer", "ledgerstore", "reporting", "workers")
#: What each package may import of ours: itself and the layers before it.
ALLOWED = {layer: set(LAYERS[: i + 1]) for i, layer in enumerate(LAYERS)}
#: The normalizer is pure: no database, no network.
NORMALIZER_FORBIDDEN = {
    "sqlalchemy",
    "psycopg",
    "procrastinate",
    "google",
    "s3fs",
    "fsspec",
    "requests",
    "socket",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", LAYERS)
def test_no_package_imports_a_later_layer(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted((_imports(path) & set(LAYERS)) - ALLOWED[layer])
        for path in (ROOT / layer).rglob("*.py")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_normalizer_touches_no_database_or_network() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & NORMALIZER_FORBIDDEN)
        for path in (ROOT / "normalizer").rglob("*.py")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}
