"""Stand-in: the peers import socket at module level; nothing is connected here."""
