#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
#
# Build the API docs offline, warnings as errors, into out/docs (or $1), and say where to read them.
# Sphinx comes from the venv (requirements-dev.txt); docs/conf.py uses nothing but Sphinx itself.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/docs}
python=${PYTHON:-.venv/bin/python}
"$python" -m sphinx -W --keep-going -q -b html docs "$out"
echo "docs: file://$(cd "$out" && pwd)/index.html"
