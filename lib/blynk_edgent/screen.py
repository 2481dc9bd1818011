# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The status on a board's screen: what is happening and what to do, in words, with a QR code
that joins the access point in config mode.

Imported only on boards whose profile says they have a display; uses ``displayio``,
``terminalio.FONT`` and ``adafruit_display_text`` (plus ``adafruit_miniqr`` in config mode).
Layouts for 240x135 (Feather ESP32-S3 TFT), 320x240 (Wio Terminal, PyPortal) and 480x320
(PyPortal Titano). :func:`content` decides what to say, :class:`Screen` draws it, only when
something changed.
"""

import displayio
import terminalio
from adafruit_display_text import label

from blynk_edgent.button import HOLD_ACTION_MS, HOLD_FEEDBACK_MS
from blynk_edgent.clock import ticks_diff

BLUE = 0x3D7BFF
GREEN = 0x2EFFB9
AMBER = 0xFFB000
RED = 0xFF4040
WHITE = 0xFFFFFF
GREY = 0xA0A0A0

_RSSI_EVERY_MS = 10000


def wifi_qr_payload(ssid, password=None):
    """The text of a QR code that joins the network ``ssid``, open or WPA with ``password`` (the
    ``WIFI:`` scheme phones read)."""

    def escape(text):
        out = ""
        for char in text:
            out += "\\" + char if char in '\\;,:"' else char
        return out

    if password:
        return "WIFI:T:WPA;S:%s;P:%s;;" % (escape(ssid), escape(password))
    return "WIFI:T:nopass;S:%s;;" % escape(ssid)


def content(view):
    """What the screen says for ``view`` (a dict of the device's situation).

    Returns ``(title, colour, lines, qr)``: ``lines`` are (text, colour) pairs and ``qr`` the
    QR code's text or None. Pure: the reference pictures of the tests come from it.
    """
    state = view["state"]
    button = view.get("button")
    held = view.get("held_ms", 0)
    code = view.get("last_error", 0)
    again = ("Hold %s for 10 s to set up again." % button) if button else "Set it up again from the Blynk app."
    if held > HOLD_ACTION_MS:
        return "Reset", RED, [("Release now to erase", WHITE), ("the WiFi settings and token.", WHITE)], None
    if held > HOLD_FEEDBACK_MS:
        left = (HOLD_ACTION_MS - held + 999) // 1000
        return (
            "Reset?",
            AMBER,
            [("Keep holding %s:" % button, WHITE), ("%d s more to erase the settings." % left, WHITE)],
            None,
        )
    if state in ("WAIT_CONFIG", "CONFIGURING"):
        password = view.get("ap_password")
        lines = [("1. Join WiFi:", GREY), (view["ap_ssid"], WHITE)]
        if password:  # the Blynk app joins only an open access point: the page it is
            lines += [("Password: " + password, WHITE), ("2. Open http://192.168.4.1", GREY)]
        else:
            lines += [("2. Open http://192.168.4.1", GREY), ("   or use the Blynk app.", GREY)]
        if code:
            lines.append(("Last try: " + view["problem"], RED))
            lines.append((view["remedy"], RED))
        elif state == "CONFIGURING":
            lines.append(("A phone is setting me up...", GREEN))
        return "Set up WiFi", BLUE, lines, wifi_qr_payload(view["ap_ssid"], password)
    if state == "RESET_CONFIG":
        return "Erasing", AMBER, [("Forgetting WiFi and token...", WHITE)], None
    if state in ("CONNECTING_NET", "SWITCH_TO_STA", "CONNECTING_CLOUD"):
        net = view.get("ssid", "")
        if state == "CONNECTING_CLOUD":
            lines = [("WiFi: " + net, WHITE), ("Logging in to Blynk.Cloud...", GREY)]
        else:
            lines = [("Joining " + net + "...", WHITE), ("Attempt %d" % view.get("attempt", 1), GREY)]
        if code:
            lines.append((view["problem"], RED))
            lines.append((again, RED))
        return "Connecting", AMBER, lines, None
    if state == "RUNNING":
        signal = view.get("rssi")
        return (
            "Online",
            GREEN,
            [
                ("WiFi: " + view.get("ssid", ""), WHITE),
                ("Signal: %s" % ("%d dBm" % signal if signal is not None else "-"), GREY),
                ("Blynk.Cloud: connected", GREEN),
            ],
            None,
        )
    lines = [(view["problem"], RED)] if code else []
    lines.append(("Restarting in a few seconds.", WHITE))
    return "Error", RED, lines, None


# (title scale, line scale, line height in px, QR module size in px, margin) per screen width
_LAYOUTS = {240: (2, 1, 13, 2, 3), 320: (2, 1, 16, 3, 8), 480: (3, 2, 26, 4, 12)}


def wrap(text, width):
    """Cut ``text`` into lines of at most ``width`` characters, at spaces where it can."""
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = width
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    lines.append(text)
    return lines


class Screen:
    """Draws :func:`content` on ``display`` (``board.DISPLAY``) for a device, with the hold of its
    reset ``button`` (a :class:`~blynk_edgent.button.ResetButton`, called ``button_name`` on screen)."""

    def __init__(self, display, button_name=None, button=None):
        self.display = display
        self.button_name = button_name
        self.button = button
        width = display.width
        self._title_scale, self._line_scale, self._line_h, self._qr_scale, self._margin = _LAYOUTS.get(
            width, _LAYOUTS[320] if width > 240 else _LAYOUTS[240]
        )
        self._root = displayio.Group()
        self._title = label.Label(terminalio.FONT, text=" ", scale=self._title_scale, color=WHITE)
        self._title.anchor_point = (0, 0)
        self._title.anchored_position = (self._margin, self._margin)
        self._root.append(self._title)
        self._lines = []
        self._qr = None
        self._shown = None
        self._rssi = None
        self._rssi_at = None
        display.root_group = self._root

    def _view(self, device, held):
        view = {
            "state": device.state,
            "last_error": device.last_error,
            "held_ms": held,
            "button": self.button_name,
            "attempt": device.attempts + 1,
            "ssid": device.config.ssid,
            "rssi": self._rssi,
            "ap_ssid": device.ap_ssid,
            "ap_password": device.ap_password,
        }
        if device.last_error:
            from blynk_edgent import messages

            view["problem"] = messages.describe(device.last_error)
            view["remedy"] = messages.remedy(device.last_error)
        return view

    def update(self, device, now):
        """Redraw if what the screen should say of ``device`` (an Edgent) has changed; its signal
        is read every 10 s at most (one SPI transaction on esp32spi)."""
        state = device.state
        if state != "RUNNING":
            self._rssi_at = None
        elif self._rssi_at is None or ticks_diff(now, self._rssi_at) >= _RSSI_EVERY_MS:
            self._rssi_at = now
            self._rssi = device.radio.rssi
        held = self.button.held_ms if self.button is not None else 0
        key = (
            state,
            device.last_error,
            held // 1000 if held > HOLD_FEEDBACK_MS else 0,
            device.attempts,
            self._rssi if state == "RUNNING" else None,
        )
        if key != self._shown:
            self._shown = key
            self.show(content(self._view(device, held)))

    def show(self, what):
        """Draw ``(title, colour, lines, qr)`` as :func:`content` returns it."""
        title, colour, lines, qr = what
        self._title.text = title
        self._title.color = colour
        qr_width = self._draw_qr(qr)
        # Text to the left of the QR code, wrapped to the room there.
        room = self.display.width - 2 * self._margin - (qr_width + self._margin if qr_width else 0)
        width = max(8, room // (6 * self._line_scale))
        rows = []
        for text, line_colour in lines:
            for part in wrap(text, width):
                rows.append((part, line_colour))
        top = self._margin + 12 * self._title_scale + self._margin
        for index, (text, line_colour) in enumerate(rows):
            if index == len(self._lines):
                line = label.Label(terminalio.FONT, text=" ", scale=self._line_scale)
                line.anchor_point = (0, 0)
                self._root.append(line)
                self._lines.append(line)
            line = self._lines[index]
            line.text = text or " "
            line.color = line_colour
            line.anchored_position = (self._margin, top + index * self._line_h)
        for line in self._lines[len(rows) :]:
            line.text = " "

    def _draw_qr(self, payload):
        """Show the QR code of ``payload`` at the bottom right; return its width in pixels (0: none)."""
        if self._qr is not None:
            self._root.remove(self._qr)
            self._qr = None
        if payload is None:
            return 0
        import adafruit_miniqr

        qr = adafruit_miniqr.QRCode(error_correct=adafruit_miniqr.L)
        qr.add_data(payload.encode("utf-8"))
        qr.make()
        matrix = qr.matrix
        border = 2
        size = matrix.width + 2 * border
        bitmap = displayio.Bitmap(size, size, 2)
        palette = displayio.Palette(2)
        palette[0] = 0xFFFFFF
        palette[1] = 0x000000
        for y in range(matrix.height):
            for x in range(matrix.width):
                if matrix[x, y]:
                    bitmap[x + border, y + border] = 1
        scale = self._qr_scale
        group = displayio.Group(scale=scale)
        group.append(displayio.TileGrid(bitmap, pixel_shader=palette))
        group.x = self.display.width - size * scale - self._margin
        group.y = self.display.height - size * scale - self._margin
        self._root.append(group)
        self._qr = group
        return size * scale
