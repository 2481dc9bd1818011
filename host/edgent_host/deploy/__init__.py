# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent deploy``: put blynk_edgent, a board profile, an example and the device libraries on CIRCUITPY.

- :mod:`.drive`: what ``boot_out.txt`` says about the board, the board profiles, and the checks
  that refuse a drive blynk_edgent cannot run on;
- :mod:`.files`: copying the library (as ``.mpy`` when a CircuitPython ``mpy-cross`` is at hand),
  the profiles, ``code.py`` and ``settings.toml``, writing only what differs;
- :mod:`.devicelibs`: the device libraries of ``requirements-device.txt``, installed with circup,
  online or from a bundle built out of the pinned PyPI packages;
- :mod:`.command`: the command line.
"""

from __future__ import annotations

from pathlib import Path

# The repository: deploy copies from its lib/, boards/ and examples/ (the package is installed editable).
ROOT = Path(__file__).resolve().parents[3]
LIBRARY = ROOT / "lib" / "blynk_edgent"
LITE_LIBRARY = ROOT / "lib" / "blynk_edgent_lite"  # for the SAMD21 boards with a NINA module (issue 17)
BOARDS = ROOT / "boards"
EXAMPLES = ROOT / "examples"
REQUIREMENTS = ROOT / "requirements-device.txt"
CIRCUP_DATA = ROOT / "out" / "circup-data"


class RefusedError(Exception):
    """The drive cannot take blynk_edgent as asked; the message says why and what to do (one line)."""


class DeployError(Exception):
    """Deploying failed part way (a write, a compiler, circup); the message says what and what to do."""
