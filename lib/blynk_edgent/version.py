"""The library's version (``blynk_edgent.__version__``) and release, in a module of its own so that
the parts that report them need not import the package."""

__version__ = "0.1.0"
# The release as C's __DATE__ __TIME__: the info message's build stamp where no program file says.
RELEASED = "Dec  6 2026 00:00:00"
