# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's ``board``."""

board_id = "test_board"
