"""Puts the device library and the hardware stand-ins on sys.path for the pure tests."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (os.path.join(HERE, "pure"), os.path.join(HERE, "shims"), os.path.join(ROOT, "lib")):
    if path not in sys.path:
        sys.path.insert(0, path)
