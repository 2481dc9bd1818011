# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Board profiles (``boards/`` in the repository): which radio, status LED, reset button and
screen a board has, and setting them up for an Edgent.

On CIRCUITPY a profile is looked for in ``lib/blynk_edgent_boards/`` first (the user's own, and
where ``edgent deploy`` copies them), then in ``lib/blynk_edgent/boards/`` (the ones the bundle
carries, which ``circup install blynk_edgent`` brings and ``circup update`` replaces): a profile
of the user's wins over the bundled one of the same name.

The profile is the running board's (``board.board_id``) unless one is named; a board without a
profile of its own gets ``generic_native``, which fits boards with native WiFi; on any other
board start-up stops and says which profile is missing. Used at start-up only: the parts it makes
stay, the profile module is dropped (:mod:`blynk_edgent.memory`).
"""

import sys

PACKAGE = "blynk_edgent_boards"  # the user's own profiles: looked in first
BUNDLED = "blynk_edgent.boards"  # the profiles inside the library, as the bundle installs it
PACKAGES = (PACKAGE, BUNDLED)


def _find(name):
    """The profile module called ``name`` (the user's, else the bundled one), or None when there is none."""
    for package in PACKAGES:
        full = package + "." + name
        try:
            __import__(full)
        except ImportError as error:
            if package in str(error):
                continue  # no such profile there (or no such folder at all)
            raise  # the profile is there, but something it imports is not
        return sys.modules[full]
    return None


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
    Raises RuntimeError with the profile's message when its board cannot run blynk_edgent (before
    anything touches a driver the board's CircuitPython cannot run).
    """
    found = choice
    if choice is None or isinstance(choice, str):
        found = _find(choice or board_id() or "generic_native")
        if found is None and choice is not None:
            raise ValueError("board: no profile named %r in %s or %s" % (choice, PACKAGE, BUNDLED))
        found = found or _find("generic_native")
    if getattr(found, "UNSUPPORTED", None):
        raise RuntimeError(found.UNSUPPORTED)
    return found


def radio(profile, log):
    """The radio ``profile`` describes (the native one when it names none), ready to use."""
    kind = getattr(profile, "RADIO", "native") if profile is not None else "native"
    if kind == "esp32spi":
        from blynk_edgent.radio_esp32spi import from_pins

        spi, cs, busy, reset, gpio0 = profile.esp32()
        return from_pins(spi, cs, busy, reset, gpio0, log=log)
    if kind == "rtl8720":
        from blynk_edgent.radio_rtl8720 import from_pins as rtl_from_pins

        tx, rx, enable = profile.rtl8720()
        return rtl_from_pins(tx, rx, enable, log=log)
    from blynk_edgent.radio_native import NativeRadio

    try:
        return NativeRadio()
    except ImportError:  # no wifi module: this board's radio is not native
        raise RuntimeError(
            "%s has no WiFi of its own and no board profile saying where its radio is: copy its "
            "profile to lib/%s/ (edgent deploy does) or pass Edgent(radio=...)" % (board_id(), PACKAGE)
        ) from None


def reset_button(profile):
    """The reset button of ``profile``, or None when it has none."""
    button = getattr(profile, "BUTTON", None)
    if not button:
        return None
    from blynk_edgent.button import ResetButton

    return ResetButton(button[0], button[1])


def status_led(profile, button=None):
    """The status LED of ``profile`` as an Indicator (showing ``button``'s hold too), or None."""
    get = getattr
    led = get(profile, "LED", None)
    if not led:
        return None
    from blynk_edgent import leds
    from blynk_edgent.indicator import Indicator

    driver = leds.make(led, get(profile, "LED_INVERSE", False), get(profile, "LED_POWER", None))
    return Indicator(driver, get(profile, "LED_BRIGHTNESS", 255), button)


def screen(profile, button=None):
    """The status screen on ``board.DISPLAY`` when ``profile`` says the board has one, else None."""
    if not getattr(profile, "DISPLAY", False):
        return None
    import board

    display = getattr(board, "DISPLAY", None)
    if display is None:
        return None
    from blynk_edgent.screen import Screen

    return Screen(display, getattr(profile, "BUTTON_NAME", None) if button is not None else None, button)
