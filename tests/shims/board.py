"""Stand-in for CircuitPython's ``board``."""

board_id = "test_board"
