# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Puts the device library and the hardware stand-ins on sys.path for the pure tests."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (os.path.join(HERE, "pure"), os.path.join(HERE, "shims"), os.path.join(ROOT, "lib")):
    if path not in sys.path:
        sys.path.insert(0, path)


def _library_modules():
    return {name: module for name, module in sys.modules.items() if name.split(".")[0].startswith("blynk_edgent")}


try:
    import pytest
except ImportError:  # MicroPython runs the pure tests without pytest and without this file
    pytest = None

if pytest is not None:

    @pytest.fixture(autouse=True)
    def _keep_library_modules():
        """An Edgent drops modules it no longer needs (blynk_edgent.memory); give the next test the
        ones this process loaded first, so that a class a test module imported is the one in use."""
        before = _library_modules()
        yield
        for name in _library_modules():
            if name not in before:
                del sys.modules[name]
        sys.modules.update(before)

    @pytest.fixture(scope="module")
    def lite_cloud():
        """A plain-TCP local cloud for the lite edition's tests (one a module)."""
        from edgent_host.cloud.testing import running_cloud

        with running_cloud() as running:
            yield running

    @pytest.fixture
    def nano(lite_cloud, tmp_path):
        """A simulated Nano 33 IoT whose NINA runs 1.7.7, the lite driver on its pins (simboard.py)."""
        from simboard import lite_nano

        with lite_nano(tmp_path, lite_cloud) as module:
            yield module
