# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The library's version (``blynk_edgent.__version__``), in a module of its own so that the parts
that report it need not import the package."""

__version__ = "0.1.0"
