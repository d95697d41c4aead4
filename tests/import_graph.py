"""The project's import graph, read from the source (ast): every import a module makes, at its
top or inside a function (a function-level import is still a dependency), resolved to the
project's modules; and the circles in it (tests/test_layers.py holds the rules)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the project's own packages (tests/, bench/ and migrations/ stand outside the layers)
PACKAGES = ("server", "client", "app_shell", "kiosk_app", "display_app", "window_client")


@dataclass(frozen=True)
class Import:
    name: str  # the dotted name as written (a module, or a module's attribute)
    line: int
    in_function: bool


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """{dotted module name: its file} for every module of the project's packages."""
    return {
        module_name(path, root): path
        for package in packages
        if (root / package).is_dir()
        for path in sorted((root / package).rglob("*.py"))
    }


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an `from ... import` names (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_in(path: Path, module: str) -> list[Import]:
    """Every import of the file: `import a.b` gives a.b; `from a import b` gives a and a.b
    (b may be a module or a name in a)."""
    tree = ast.parse(path.read_text(), str(path))
    found: list[Import] = []
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(a.name, node.lineno, in_function) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            found.append(Import(base, node.lineno, in_function))
            found.extend(Import(f"{base}.{a.name}", node.lineno, in_function) for a in node.names)
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def target(name: str, modules: Mapping[str, Path]) -> str | None:
    """The project module an imported name lands in (the longest module that prefixes it)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def graph(modules: Mapping[str, Path]) -> dict[str, dict[str, Import]]:
    """{module: {project module it imports: the first import that does}} (a package's own
    `__init__` reached only as the parent of what is imported is not an edge)."""
    edges: dict[str, dict[str, Import]] = {}
    for name, path in modules.items():
        out: dict[str, Import] = {}
        for imported in imports_in(path, name):
            to = target(imported.name, modules)
            if to is not None and to != name and not within(name, to):
                out.setdefault(to, imported)
        edges[name] = out
    return edges


def circles(edges: Mapping[str, Mapping[str, Import]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(found)


def describe(group: list[str], edges: Mapping[str, Mapping[str, Import]]) -> str:
    """A circle as its edges: `a -> b (line 12, in a function)`."""
    lines = []
    for name in group:
        for to, how in sorted(edges[name].items()):
            if to in group:
                where = ", in a function" if how.in_function else ""
                lines.append(f"  {name} -> {to} (line {how.line}{where})")
    return "\n".join(lines)
