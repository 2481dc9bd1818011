#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

# Create the virtual environment, even on a Debian whose Python lacks the venv module
# (python3-venv is a separate package there): install it with apt when we may.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  exit 0
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "blynk_edgent needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
  exit 1
}
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Python's venv module is missing: installing python${version}-venv with apt" >&2
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "python${version}-venv"
    "$python" -m venv "$venv"
  else
    echo "Python's venv module is missing; install it (Debian: python${version}-venv)" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" "setuptools>=77" wheel
