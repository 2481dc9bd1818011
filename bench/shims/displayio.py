# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's built-in ``displayio`` (only names; the benchmark imports, it does not draw)."""


class Group:
    """A group of layers."""

    def __init__(self, *, scale=1, x=0, y=0):
        self.items = []

    def append(self, item):
        """Add a layer."""
        self.items.append(item)


class Bitmap:
    """A bitmap."""

    def __init__(self, width, height, colors):
        self.width = width
        self.height = height


class Palette:
    """A palette."""

    def __init__(self, count):
        self.count = count


class TileGrid:
    """A tile grid."""

    def __init__(self, bitmap, *, pixel_shader, **kwargs):
        self.bitmap = bitmap


class ColorConverter:
    """A colour converter."""
