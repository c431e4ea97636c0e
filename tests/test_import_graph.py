"""No import cycle in the package: the module-level imports of cleaner/ and schemas/, read with
`ast` (nothing is imported to build the graph), form no loop.

An import runs at import time when it sits at module level, in an `if`/`try`/`with` there or in a
class body; one inside a function runs when the function is called and is left out, as is
`if TYPE_CHECKING:`. Importing `a.b.c` also imports the packages `a` and `a.b`, so those are edges too.
"""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGES = ("cleaner", "schemas")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_time_nodes(body: list[ast.stmt]):
    """The statements of `body` that run at import time (function bodies and TYPE_CHECKING left out)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _import_time_nodes(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody"):  # if/try/with/for blocks and class bodies
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _import_time_nodes(inner)
        for handler in getattr(node, "handlers", ()):
            yield from _import_time_nodes(handler.body)


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """`{module: modules of the package it imports at import time}` for every .py file under `root/packages`."""
    files = {module_name(p, root): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _import_time_nodes(ast.parse(path.read_text(encoding="utf-8")).body):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in files else module for a in node.names]
            for target in targets:
                parts = target.split(".")
                for k in range(1, len(parts) + 1):  # the packages on the way are imported too
                    prefix = ".".join(parts[:k])
                    if prefix in files and prefix != name:
                        edges.add(prefix)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path that ends where it starts, or None when there is none.

    >>> find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}})
    ['a', 'b', 'c', 'a']
    >>> find_cycle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) is None
    True
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_package_imports_form_no_cycle():
    graph = import_graph(ROOT)
    assert len(graph) > 30 and "cleaner.stream" in graph["cleaner.pipeline"]  # the walk sees the package
    assert "schemas.patterns" in graph["cleaner.validate"] and "cleaner" in graph["cleaner.cli"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_cycle_finder_finds_cycles_of_any_length_and_none_in_a_diamond():
    assert find_cycle({"a": {"a"}}) == ["a", "a"]
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"x": {"a"}, "a": {"b"}, "b": {"c"}, "c": {"b"}}) == ["b", "c", "b"]
    assert find_cycle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) is None


def test_a_cycle_added_to_a_package_on_disk_is_found_and_a_function_level_import_is_not(tmp_path):
    pkg = tmp_path / "cleaner"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Top."""\n')
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cleaner.sub import b\n")
    (pkg / "sub" / "b.py").write_text("from . import c\n")
    (pkg / "sub" / "c.py").write_text("def late():\n    from cleaner import a\n")
    assert find_cycle(import_graph(tmp_path, ("cleaner",))) is None
    (pkg / "sub" / "c.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from cleaner import a\n"
                                      "try:\n    from cleaner.a import thing\nexcept ImportError:\n    pass\n")
    assert find_cycle(import_graph(tmp_path, ("cleaner",))) == ["cleaner.a", "cleaner.sub.b", "cleaner.sub.c", "cleaner.a"]
