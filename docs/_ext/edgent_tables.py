# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""Tables the docs make from the code, so that they cannot drift from it.

- ``.. edgent-error-codes::``: every ``last_error`` code of :mod:`blynk_edgent.errors`, its name,
  what :mod:`blynk_edgent.messages` says it means and what to do, and whether this library sets it;
- ``.. edgent-state-moves::``: where each state may go (:data:`blynk_edgent.states.NEXT`);
- ``.. edgent-board-profiles::``: one row per ``boards/*.py``, read without running it (a profile
  imports ``board``), with its docstring.

Cells are built as docutils nodes from plain text: nothing from a docstring is parsed as reST.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, TypeAlias

from docutils import nodes  # type: ignore[import-untyped]
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "lib" / "blynk_edgent"
BOARDS = ROOT / "boards"

Cell: TypeAlias = str | nodes.Node | list[nodes.Node]


def _cell(content: Cell) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, str):
        for paragraph in [p for p in re.split(r"\n\s*\n", content.strip()) if p] or [""]:
            entry += nodes.paragraph(text=" ".join(paragraph.split()))
    elif isinstance(content, list):
        entry += nodes.paragraph("", "", *content)
    else:
        entry += nodes.paragraph("", "", content)
    return entry


def table(headers: list[str], rows: list[list[Cell]], widths: list[int], classes: str = "") -> nodes.table:
    """A docutils table with ``headers`` and ``rows``, columns ``widths`` wide (relative)."""
    group = nodes.tgroup(cols=len(headers))
    group += [nodes.colspec(colwidth=width) for width in widths]
    head = nodes.thead()
    head += nodes.row("", *[_cell(h) for h in headers])
    body = nodes.tbody()
    body += [nodes.row("", *[_cell(c) for c in row]) for row in rows]
    group += [head, body]
    # colwidths-given: the HTML gets the widths (as a list-table's :widths: gives them).
    result = nodes.table(classes=["edgent-table", "colwidths-given", *([classes] if classes else [])])
    result += group
    return result


def code(text: str) -> nodes.literal:
    """Inline code."""
    return nodes.literal(text=text)


# -- last_error ------------------------------------------------------------------------------------


def error_names() -> dict[int, str]:
    """Each code of blynk_edgent.errors and the constant that names it."""
    from blynk_edgent import errors

    names: dict[int, str] = {}
    for name, value in vars(errors).items():
        if name.isupper() and isinstance(value, int) and value in errors.CODES:
            names.setdefault(value, name)
    return names


def set_by_library(name: str) -> bool:
    """Whether a module of the library other than errors.py and messages.py uses the constant ``name``."""
    for path in sorted(LIBRARY.glob("*.py")):
        if path.name in ("errors.py", "messages.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "blynk_edgent.errors":
                if any(alias.name == name for alias in node.names):
                    return True
            elif isinstance(node, ast.Attribute) and node.attr == name:
                if isinstance(node.value, ast.Name) and node.value.id in ("errors", "e"):
                    return True
    return False


class ErrorCodes(SphinxDirective):
    """The ``last_error`` codes, from errors.py and messages.py."""

    def run(self) -> list[nodes.Node]:
        from blynk_edgent import errors, messages

        for path in ("errors.py", "messages.py"):
            self.env.note_dependency(str(LIBRARY / path))
        names = error_names()
        rows: list[list[Cell]] = []
        for number in errors.CODES:
            name = names[number]
            sets = "yes" if number == errors.NONE or set_by_library(name) else "no"
            rows.append([str(number), code(name), messages.describe(number), messages.remedy(number) or "—", sets])
        headers = ["code", "name in errors.py", "what happened (describe)", "what to do (remedy)", "set here"]
        return [table(headers, rows, [6, 18, 34, 34, 8], "edgent-errors")]


# -- states -----------------------------------------------------------------------------------------


class StateMoves(SphinxDirective):
    """Where each state may go, from states.NEXT."""

    def run(self) -> list[nodes.Node]:
        from blynk_edgent import states

        self.env.note_dependency(str(LIBRARY / "states.py"))
        rows: list[list[Cell]] = []
        for state, moves in states.NEXT.items():
            targets: list[nodes.Node] = []
            for index, target in enumerate(moves):
                if index:
                    targets.append(nodes.Text(", "))
                targets.append(code(target))
            rows.append([code(state), targets])
        return [table(["state", "may go to"], rows, [25, 75], "edgent-states")]


# -- board profiles ---------------------------------------------------------------------------------


def _assignments(tree: ast.Module) -> dict[str, ast.expr]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def _literal(node: ast.expr | None) -> Any:
    """The value of ``node`` when it is a literal; ``...`` when it depends on the board."""
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ...


LED_KINDS = {"digital": "LED", "pwm": "LED (PWM)", "rgb": "RGB LED", "neopixel": "NeoPixel", "dotstar": "DotStar"}


def _led(node: ast.expr | None) -> str:
    if node is None or _literal(node) is None:
        return "none"
    if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant):
        return LED_KINDS.get(str(node.elts[0].value), str(node.elts[0].value))
    return "the board's NeoPixel, else board.LED, if any"


def _button(node: ast.expr | None, name: Any) -> str:
    if node is None or _literal(node) is None:
        return "none"
    if isinstance(node, ast.Tuple):
        return str(name or "yes")
    return f"{name or 'the board button'}, if the board has one"


def profile_row(path: Path) -> list[Cell]:
    """One row of the profiles table: what ``path`` says, read as source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    values = _assignments(tree)
    name = str(_literal(values.get("NAME")))
    if values.get("UNSUPPORTED") is not None:
        name += " (unsupported)"
    radio = _literal(values.get("RADIO"))
    names = {"native": "native", "esp32spi": "ESP32 (esp32spi)", "rtl8720": "RTL8720DN (eRPC over UART)"}
    radio_text = names.get(str(radio), str(radio))
    display = _literal(values.get("DISPLAY"))
    screen = {True: "yes", False: "none", None: "none"}.get(display, "if the board has one")
    button = _button(values.get("BUTTON"), _literal(values.get("BUTTON_NAME")))
    board: list[nodes.Node] = [code(path.stem), nodes.Text(" " + name)]
    return [board, radio_text, _led(values.get("LED")), button, screen, ast.get_docstring(tree) or ""]


class BoardProfiles(SphinxDirective):
    """One row per boards/*.py."""

    def run(self) -> list[nodes.Node]:
        paths = sorted(BOARDS.glob("*.py"))
        for path in paths:
            self.env.note_dependency(str(path))
        headers = ["profile (board_id) and board", "radio", "status LED", "reset button", "screen", "about it"]
        rows = [profile_row(path) for path in paths]
        return [table(headers, rows, [21, 11, 11, 12, 12, 33], "edgent-boards")]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("edgent-error-codes", ErrorCodes)
    app.add_directive("edgent-state-moves", StateMoves)
    app.add_directive("edgent-board-profiles", BoardProfiles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
