# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Status LED drivers: each shows ``(colour, level)`` from :func:`blynk_edgent.indicator.sample`.

A single-colour LED uses ``level`` (0-255): a PWM pin dims it, a plain digital pin is lit from
half brightness up. An RGB LED (three PWM pins), a NeoPixel (``neopixel_write``, no library
needed) and a DotStar (two SPI pins) use ``colour``.
"""


class DigitalLED:
    """An LED on a digital pin: on or off."""

    def __init__(self, pin, inverse=False):
        from digitalio import DigitalInOut

        self._io = DigitalInOut(pin)
        self._io.switch_to_output(inverse)
        self._inverse = inverse

    def show(self, colour, level):
        """Light it when ``level`` is at least half."""
        self._io.value = (level >= 128) != self._inverse


class PWMLED:
    """An LED on a PWM pin: dimmed."""

    def __init__(self, pin, inverse=False):
        from pwmio import PWMOut

        self._pwm = PWMOut(pin, frequency=5000, duty_cycle=65535 if inverse else 0)
        self._inverse = inverse

    def show(self, colour, level):
        """Set the brightness to ``level``/255."""
        duty = level * 65535 // 255
        self._pwm.duty_cycle = 65535 - duty if self._inverse else duty


class RGBLED:
    """An RGB LED on three PWM pins (common cathode; ``inverse`` for common anode)."""

    def __init__(self, red, green, blue, inverse=False):
        self._channels = (PWMLED(red, inverse), PWMLED(green, inverse), PWMLED(blue, inverse))

    def show(self, colour, level):
        """Show ``colour``."""
        self._channels[0].show(0, (colour >> 16) & 0xFF)
        self._channels[1].show(0, (colour >> 8) & 0xFF)
        self._channels[2].show(0, colour & 0xFF)


class NeoPixelLED:
    """One NeoPixel (WS2812), written with the core's ``neopixel_write``."""

    def __init__(self, pin, power=None):
        from digitalio import DigitalInOut

        if power is not None:
            self._power = DigitalInOut(power)
            self._power.switch_to_output(True)
        self._io = DigitalInOut(pin)
        self._io.switch_to_output(False)
        self._buf = bytearray(3)

    def show(self, colour, level):
        """Show ``colour`` (the pixel takes green, red, blue)."""
        from neopixel_write import neopixel_write

        buf = self._buf
        buf[0] = (colour >> 8) & 0xFF
        buf[1] = (colour >> 16) & 0xFF
        buf[2] = colour & 0xFF
        neopixel_write(self._io, buf)


class DotStarLED:
    """One DotStar (APA102) on a clock and a data pin."""

    def __init__(self, clock, data):
        import busio

        self._spi = busio.SPI(clock, MOSI=data)
        while not self._spi.try_lock():
            pass
        self._spi.configure(baudrate=1000000)
        self._frame = bytearray(b"\x00\x00\x00\x00\xff\x00\x00\x00\xff\xff\xff\xff")

    def show(self, colour, level):
        """Show ``colour`` (the frame takes blue, green, red)."""
        frame = self._frame
        frame[5] = colour & 0xFF
        frame[6] = (colour >> 8) & 0xFF
        frame[7] = (colour >> 16) & 0xFF
        self._spi.write(frame)


def make(spec, inverse=False, power=None):
    """Build the driver a board profile's ``LED`` describes (None: no status LED)."""
    if not spec:
        return None
    kind = spec[0]
    if kind == "digital":
        return DigitalLED(spec[1], inverse)
    if kind == "pwm":
        return PWMLED(spec[1], inverse)
    if kind == "rgb":
        return RGBLED(spec[1], spec[2], spec[3], inverse)
    if kind == "neopixel":
        return NeoPixelLED(spec[1], power)
    if kind == "dotstar":
        return DotStarLED(spec[1], spec[2])
    raise ValueError("LED: unknown kind %r (digital, pwm, rgb, neopixel, dotstar)" % (kind,))
