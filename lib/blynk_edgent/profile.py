"""Board profiles (``boards/`` in the repository, ``blynk_edgent_boards`` on CIRCUITPY): which
radio, status LED, reset button and screen a board has, and setting them up for an Edgent.

The profile is the running board's (``board.board_id``) unless one is named; a board without a
profile of its own gets ``generic_native``, which fits boards with native WiFi; on any other
board start-up stops and says which profile is missing. Used at start-up only.
"""

import sys

PACKAGE = "blynk_edgent_boards"


def _find(name):
    """The profile module called ``name``, or None when there is none."""
    full = PACKAGE + "." + name
    try:
        __import__(full)
    except ImportError as error:
        if PACKAGE in str(error):
            return None  # no such profile (or no profiles copied at all)
        raise  # the profile is there, but something it imports is not
    return sys.modules[full]


def board_id():
    """The running board's id, or None off a board."""
    try:
        import board

        return board.board_id
    except (ImportError, AttributeError):
        return None


def load(choice=None):
    """Return the profile module: ``choice`` (a module, or a board id), else the running board's,
    else ``generic_native``; None when no profile is there at all (only blynk_edgent was copied).
    """
    if choice is not None and not isinstance(choice, str):
        return choice
    found = _find(choice or board_id() or "generic_native")
    if found is None and choice is not None:
        raise ValueError("board: no profile named %r in %s" % (choice, PACKAGE))
    return found or _find("generic_native")


def setup(edgent, profile, options):
    """Give ``edgent`` its radio, and its LED, button and screen tickers, from ``profile``."""
    get = getattr
    radio = options.get("radio")
    if radio is None:
        if profile is not None and get(profile, "RADIO", "native") == "esp32spi":
            from blynk_edgent.radio_esp32spi_setup import from_pins

            spi, cs, busy, reset, gpio0 = profile.esp32()
            # (The radio's __init__ drops the setup module once it is done with it.)
            radio = from_pins(spi, cs, busy, reset, gpio0, log=edgent._print)
        else:
            from blynk_edgent.radio_native import NativeRadio

            try:
                radio = NativeRadio()
            except ImportError:  # no wifi module: this board's radio is not native
                raise RuntimeError(
                    "%s has no WiFi of its own and no board profile saying where its radio is: copy its "
                    "profile to lib/%s/ (edgent deploy does) or pass Edgent(radio=...)" % (board_id(), PACKAGE)
                ) from None
    edgent.radio = radio
    if profile is None:
        return
    led = get(profile, "LED", None)
    if led and options.get("led", True):
        from blynk_edgent import leds
        from blynk_edgent.indicator import Indicator

        driver = leds.make(led, get(profile, "LED_INVERSE", False), get(profile, "LED_POWER", None))
        edgent._tickers.append(Indicator(driver, get(profile, "LED_BRIGHTNESS", 255)))
    button = get(profile, "BUTTON", None)
    if button and options.get("button", True):
        from blynk_edgent.button import ResetButton

        edgent._tickers.append(ResetButton(button[0], button[1]))
    if get(profile, "DISPLAY", False) and options.get("screen", True):
        import board

        display = get(board, "DISPLAY", None)
        if display is not None:
            from blynk_edgent.screen import Screen

            edgent._tickers.append(Screen(display, get(profile, "BUTTON_NAME", None) if button else None))
