"""Dependencies point inwards: the import rules of server/, checked on the source (ast).

    domain            knows nothing of the rest (no HTTP, SQL, Qt)
    store             tables, engines, the writer: domain only
    commands/queries  writes and reads, side by side: neither imports the other (queries may use
                      commands/lookups.py, the loaders both need), nor anything outward
    runtime, access   the process's state
    api, realtime     the edges; app.py and cli/ put it all together

Routes and dependencies read through queries/, never with their own SQL.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"

OUTWARD = ("server.api", "server.realtime", "server.runtime", "server.app", "server.cli")
OUTWARD += ("server.access", "server.demo", "server.embedded")

# (modules the rule applies to, imports they must not make, modules exempt from the rule)
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "server.domain",
        (
            "server.store",
            "server.commands",
            "server.queries",
            "sqlalchemy",
            "sqlmodel",
            "fastapi",
            *OUTWARD,
        ),
        (),
    ),
    ("server.store", ("server.commands", "server.queries", "fastapi", *OUTWARD), ()),
    ("server.commands", ("server.queries", "fastapi", *OUTWARD), ()),
    # statistics: the stats engineer's piece (issue 11), layered there
    ("server.queries", ("server.api", "fastapi", *OUTWARD), ("server.queries.stats",)),
    ("server.runtime", ("server.api", "server.realtime"), ()),
    ("server.access", ("server.api", "server.realtime", "server.runtime"), ()),
    # no SQL of their own: they read through server/queries
    ("server.api.deps", ("sqlmodel", "sqlalchemy", "server.store.tables"), ()),
    ("server.api.routes.admin", ("sqlmodel", "sqlalchemy"), ()),
    ("server.api.routes.auth", ("sqlmodel", "sqlalchemy", "server.store.tables"), ()),
    ("server.api.routes.integrations", ("sqlmodel", "sqlalchemy"), ()),
]

# Known exceptions, each with the reason and who removes it (none now: the live feed moved off
# the Runtime into server/realtime/feed.py).
ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


MODULES = {module_name(p): p for p in SERVER.rglob("*.py")}


def test_modules_are_found() -> None:
    assert {"server.domain.calendar", "server.queries.admin", "server.api.deps"} <= set(MODULES)


@pytest.mark.parametrize(("package", "forbidden", "exempt"), RULES, ids=[r[0] for r in RULES])
def test_dependencies_point_inwards(
    package: str, forbidden: tuple[str, ...], exempt: tuple[str, ...]
) -> None:
    broken = []
    for name, path in sorted(MODULES.items()):
        if not within(name, package) or any(within(name, e) for e in exempt):
            continue
        for imported in sorted(imports_of(path)):
            if any(name == m and within(imported, t) for m, t in ALLOWED):
                continue
            if any(within(imported, f) for f in forbidden) and not within(imported, package):
                broken.append(f"{name} imports {imported}")
    assert not broken, "\n".join(broken)


def test_the_rules_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from server.api.schemas import TicketOut\nimport sqlmodel\n")
    assert {"server.api.schemas", "sqlmodel"} <= imports_of(bad)
