# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The shape of the device library, read from its source: no import circle (imports inside
functions included), no object reaching into another's private fields, every field set in its
class's ``__init__``, and one module that frees memory."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from blynk_edgent import memory

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lib" / "blynk_edgent"
MODULES = {("blynk_edgent" if p.stem == "__init__" else "blynk_edgent." + p.stem): p for p in PACKAGE.glob("*.py")}

# Private names of adafruit_esp32spi's objects that its backend must use: the library has no public
# call for them (each is explained where it is used).
FOREIGN_PRIVATE = {
    ("blynk_edgent.radio_esp32spi", "self._sock._socknum"),
    ("blynk_edgent.radio_esp32spi_setup", "esp._send_command_get_response"),
}


def imports(name: str, top_only: bool = False) -> set[str]:
    """The blynk_edgent modules ``name`` imports anywhere in its source (at its top level only:
    what loads with it)."""
    tree = ast.parse(MODULES[name].read_text())
    nodes = tree.body if top_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module in MODULES:
            for alias in node.names:
                submodule = node.module + "." + alias.name
                found.add(submodule if submodule in MODULES else node.module)
    found.discard(name)
    return found


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle in ``graph`` (module -> the modules it imports), as the path around it, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for other in sorted(graph.get(name, ())):
            circle = visit(other, [*path, name])
            if circle:
                return circle
        done.add(name)
        return None

    for name in sorted(graph):
        circle = visit(name, [])
        if circle:
            return circle
    return None


def test_there_is_no_import_circle() -> None:
    graph = {name: imports(name) for name in MODULES}
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle or [])
    assert "blynk_edgent.edgent" in graph["blynk_edgent"]
    assert [name for name in graph if "blynk_edgent.edgent" in graph[name]] == ["blynk_edgent"]


def test_the_circle_finder_finds_circles() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    # an import inside a function counts
    assert "blynk_edgent.startup" in imports("blynk_edgent.edgent")
    assert "blynk_edgent.startup" not in imports("blynk_edgent.edgent", top_only=True)


def _expression(node: ast.expr) -> str:
    return ast.unparse(node)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_object_reaches_into_anothers_private_fields(name: str) -> None:
    found = []
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if not isinstance(node, ast.Attribute):
            continue
        private = node.attr.startswith("_") and not node.attr.startswith("__")
        own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        if private and not own and (name, _expression(node)) not in FOREIGN_PRIVATE:
            found.append("line %d: %s" % (node.lineno, _expression(node)))
    assert not found, name + " reads or writes another object's private field: " + "; ".join(found)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_field_is_set_in_its_classs_init(name: str) -> None:
    missing = []
    for cls in ast.walk(ast.parse(MODULES[name].read_text())):
        if not isinstance(cls, ast.ClassDef):
            continue
        methods = [item for item in cls.body if isinstance(item, ast.FunctionDef)]
        declared = {
            item.target.id for item in cls.body if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        } | {
            target.id
            for item in cls.body
            if isinstance(item, ast.Assign)
            for target in item.targets
            if isinstance(target, ast.Name)
        }
        assigned: dict[str, set[str]] = {}
        for method in methods:
            for node in ast.walk(method):
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                    if isinstance(node, ast.AugAssign | ast.AnnAssign)
                    else []
                )
                for target in targets:
                    for part in ast.walk(target):
                        if (
                            isinstance(part, ast.Attribute)
                            and isinstance(part.value, ast.Name)
                            and part.value.id == "self"
                        ):
                            assigned.setdefault(method.name, set()).add(part.attr)
        in_init = assigned.get("__init__", set()) | declared
        for method, fields in assigned.items():
            for field in sorted(fields - in_init):
                missing.append(f"{cls.name}.{method} sets {field}")
    assert not missing, "; ".join(missing)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_memory_drops_modules(name: str) -> None:
    source = MODULES[name].read_text()
    drops = "del sys.modules" in source or "sys.modules.pop" in source or "delattr(" in source
    assert drops == (name == "blynk_edgent.memory")


def test_the_resident_set_names_real_modules_and_holds_what_they_load() -> None:
    for module in (*memory.RESIDENT, *memory.CONNECTING):
        assert module in MODULES, module
        importlib.import_module(module)
    assert not set(memory.RESIDENT) & set(memory.CONNECTING)
    # a module dropped while a resident one holds it would load a second time at its next import
    for module in memory.RESIDENT:
        assert imports(module, top_only=True) <= set(memory.RESIDENT), module
    for module in memory.CONNECTING:
        assert imports(module, top_only=True) <= set(memory.RESIDENT) | set(memory.CONNECTING), module
