"""Stand-in for CircuitPython's ``warnings``."""


def warn(message, *args):
    """Print nothing; the benchmark only imports."""
