"""Stand-in for MicroPython's usocket (blynklib_mp imports it)."""
