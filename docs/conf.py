# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""Sphinx configuration: the API docs of blynk_edgent, built offline.

``sphinx-build -W --keep-going -b html docs out/docs`` (``scripts/build-docs.sh``). Only Sphinx's
own parts: autodoc (the library is imported under CPython, with CircuitPython's modules mocked),
the alabaster theme, and ``_ext/edgent_tables.py`` for the tables made from the code. No
intersphinx, nothing fetched.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "lib"), str(HERE / "_ext")]

# link.py and friends use micropython.const, which CPython has only with Blinka installed; a
# stand-in keeps the values as they are (autodoc's mocks would turn them into objects).
try:
    import micropython  # noqa: F401
except ImportError:
    sys.modules["micropython"] = types.ModuleType("micropython")
    sys.modules["micropython"].const = lambda value: value  # type: ignore[attr-defined]

from blynk_edgent.version import __version__  # noqa: E402

project = "blynk_edgent"
author = "The blynk_edgent authors"
copyright = "2026, The blynk_edgent authors"
release = version = __version__

extensions = ["sphinx.ext.autodoc", "edgent_tables"]
# What the modules import at the top that only a board has (the rest import it where they use it).
autodoc_mock_imports = [
    "adafruit_display_text", "adafruit_esp32spi", "adafruit_miniqr", "board", "busio", "digitalio",
    "displayio", "microcontroller", "neopixel_write", "pwmio", "socketpool", "supervisor", "terminalio",
    "watchdog", "wifi",
]  # fmt: skip
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autoclass_content = "class"

exclude_patterns = ["_build"]
root_doc = "index"
language = "en"
today_fmt = "%Y-%m-%d"
pygments_style = "sphinx"

html_theme = "alabaster"
html_title = f"blynk_edgent {release}"
html_theme_options = {
    "description": "Blynk.Edgent WiFi provisioning for CircuitPython",
    "page_width": "1100px",
    "sidebar_width": "250px",
    "fixed_sidebar": True,
    "show_powered_by": False,
}
html_static_path = ["_static"]
html_css_files = ["edgent.css"]
html_show_sourcelink = False
html_copy_source = False
