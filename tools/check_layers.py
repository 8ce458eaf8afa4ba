"""The one-way layers of Gigbox's apps, checked by reading the source (no import is run).

core < marketplace < inbox < {moderation, deals} < disputes: a lower app never imports a
higher one, not at module level and not inside a function (`import x`, `from x import y`,
relative imports and `importlib.import_module("x")` / `__import__("x")` with a literal name
all count), and moderation and deals never import each other. Disputes sits above moderation
because its reviewers are moderation's active staff and their reads go to its staff access
log. The same layers are import-linter's contract (.importlinter, `make lint`).

Second check: no import circle between modules of different top-level packages (apps and
config). tests/test_layers.py runs both on the tree; `python -m tools.check_layers [ROOT]`
prints what they find (exit 1 when anything).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Rank of each app package; an app may import only apps of a strictly lower rank (and itself).
RANKS: dict[str, int] = {
    "core": 0,
    "marketplace": 1,
    "inbox": 2,
    "moderation": 3,
    "deals": 3,
    "disputes": 4,
}
# Packages that take part in the import graph for circles, besides the apps.
GRAPH_PACKAGES: tuple[str, ...] = (*RANKS, "config")


@dataclass(frozen=True)
class Import:
    line: int
    module: str


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported} (a higher app)"


def _resolve_relative(node: ast.ImportFrom, package: str) -> str:
    parts = package.split(".") if package else []
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    base = ".".join(parts)
    if node.module:
        return f"{base}.{node.module}" if base else node.module
    return base


def _literal_import_call(node: ast.Call) -> str | None:
    """The module name of importlib.import_module("x") / import_module("x") / __import__("x")."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in {"import_module", "__import__"} or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imports_in(source: str, *, package: str = "", filename: str = "<source>") -> list[Import]:
    """Every import anywhere in the source: module level, in functions, in classes, in ifs.

    `from a import b` yields both a and a.b (b may be a submodule); `package` resolves relative
    imports (the dotted package the file lives in).
    """
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_relative(node, package) if node.level else (node.module or "")
            found.append(Import(node.lineno, base))
            found += [Import(node.lineno, f"{base}.{a.name}") for a in node.names if a.name != "*"]
        elif isinstance(node, ast.Call):
            name = _literal_import_call(node)
            if name is not None:
                found.append(Import(node.lineno, name))
    return sorted(set(found), key=lambda i: (i.line, i.module))


def app_of(module: str) -> str | None:
    top = module.split(".", 1)[0]
    return top if top in RANKS else None


def may_import(importer_app: str, imported_app: str) -> bool:
    return importer_app == imported_app or RANKS[imported_app] < RANKS[importer_app]


def upward_imports(source: str, *, module: str, path: str = "<source>") -> list[Violation]:
    """Imports in `source` (the file of dotted `module`) that break the layers."""
    importer_app = app_of(module)
    if importer_app is None:
        return []
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    seen: set[tuple[int, str]] = set()
    violations = []
    for imp in imports_in(source, package=package, filename=path):
        imported_app = app_of(imp.module)
        if imported_app is None or may_import(importer_app, imported_app):
            continue
        # `from deals import selectors` gives deals and deals.selectors: report the line once.
        if (imp.line, imported_app) in seen:
            continue
        seen.add((imp.line, imported_app))
        violations.append(Violation(path, imp.line, module, imp.module))
    return violations


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(root: Path, packages: tuple[str, ...]) -> Iterator[Path]:
    for package in packages:
        yield from sorted((root / package).rglob("*.py"))


def layer_violations(root: Path) -> list[Violation]:
    found: list[Violation] = []
    for path in python_files(root, tuple(RANKS)):
        rel = str(path.relative_to(root))
        found += upward_imports(path.read_text(), module=module_name(root, path), path=rel)
    return found


def import_graph(root: Path, packages: tuple[str, ...] = GRAPH_PACKAGES) -> dict[str, set[str]]:
    """module -> the modules of `packages` it imports (anywhere in the file)."""
    files = {module_name(root, p): p for p in python_files(root, packages)}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = set()
        for imp in imports_in(path.read_text(), package=package, filename=str(path)):
            # The longest known module the import names: `from a.b import c` is a.b.c if that
            # is a file, else a.b (c is a name in it).
            name = imp.module
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def cross_package_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import circles whose modules belong to more than one top-level package."""
    return [c for c in strongly_connected(graph) if len({m.split(".", 1)[0] for m in c}) > 1]


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent
    violations = layer_violations(root)
    circles = cross_package_circles(import_graph(root))
    for violation in violations:
        print(violation)
    for circle in circles:
        print("import circle across packages:", " <-> ".join(circle))
    return 1 if violations or circles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
