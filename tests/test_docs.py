# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""The API docs (issue 16): they build offline with warnings as errors, and say everything public.

Every public name of ``Edgent`` (its methods and properties, found on the class, and the
attributes ``Edgent()`` sets, found in its ``__init__``) has an entry on the API page; every
``last_error`` code with its words, every key the library reads from ``settings.toml``, every board
profile and every state are on theirs.
"""

from __future__ import annotations

import ast
import html
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from blynk_edgent import errors, messages, states
from blynk_edgent.edgent import Edgent

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "lib" / "blynk_edgent"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html", "docs", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


def page(site: Path, name: str) -> str:
    """A page's text as a reader sees it: entities decoded, typographic quotes plain."""
    text = html.unescape((site / f"{name}.html").read_text(encoding="utf-8"))
    return text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})


def public_names() -> list[str]:
    """Edgent's public names: on the class, and the attributes its __init__ sets on self."""
    names = {name for name in dir(Edgent) if not name.startswith("_")}
    init = ast.parse(inspect.getsource(Edgent.__init__).strip().replace("\n    ", "\n"))
    for node in ast.walk(init):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                names.add(target.attr)
    return sorted(name for name in names if not name.startswith("_"))


def test_there_are_public_names_to_look_for() -> None:
    names = public_names()
    assert {"poll", "virtual_write", "connected", "state", "last_error"} <= set(names)


def test_every_public_name_of_edgent_is_on_the_api_page(site: Path) -> None:
    api = page(site, "api")
    missing = [name for name in public_names() if f'id="blynk_edgent.edgent.Edgent.{name}"' not in api]
    assert not missing, f"not documented on docs/api.rst: {missing}"


def test_every_last_error_code_is_there_with_its_words(site: Path) -> None:
    text = page(site, "errors")
    for code in errors.CODES:
        assert f"<p>{code}</p>" in text, code
        assert messages.describe(code) in text, code
        assert messages.remedy(code) in text, code


def test_every_setting_the_library_reads_is_described(site: Path) -> None:
    keys = set()
    for path in LIBRARY.glob("*.py"):
        keys |= set(re.findall(r"\"((?:BLYNK|CIRCUITPY)_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"BLYNK_TEMPLATE_ID", "BLYNK_AP_PASSWORD", "CIRCUITPY_WIFI_SSID"} <= keys
    text = page(site, "settings")
    assert not [key for key in sorted(keys) if f'<span class="pre">{key}</span>' not in text]


def test_every_board_profile_has_a_row(site: Path) -> None:
    text = page(site, "boards")
    for path in sorted((ROOT / "boards").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = next(
            node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "NAME"
            and isinstance(node.value, ast.Constant)
        )  # fmt: skip
        assert f'<span class="pre">{path.stem}</span>' in text, path.stem
        assert str(name) in text, name


def test_every_state_and_its_screens(site: Path) -> None:
    text = page(site, "states")
    for state in states.NEXT:
        assert f'<span class="pre">{state}</span>' in text, state
    images = re.findall(r'<img [^>]*src="(_images/[^"]+)"', text)
    assert len(images) >= 12
    assert all((site / image).is_file() for image in images)


def test_only_sphinx_itself_and_nothing_from_the_network() -> None:
    # Offline: no intersphinx (it fetches inventories), no theme or extension beyond Sphinx's own.
    conf = ast.parse((ROOT / "docs" / "conf.py").read_text(encoding="utf-8"))
    settings = {
        node.targets[0].id: node.value
        for node in conf.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert ast.literal_eval(settings["extensions"]) == ["sphinx.ext.autodoc", "edgent_tables"]
    assert ast.literal_eval(settings["html_theme"]) == "alabaster"
