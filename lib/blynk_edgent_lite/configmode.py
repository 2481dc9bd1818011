# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config mode: the access point, and the Blynk app's API served a request at
a time (:mod:`~blynk_edgent_lite.portal` routes and answers, :mod:`~blynk_edgent_lite.form`
answers ``/config``; each loaded for the request; the pages, the browsers' one too, read back
from the NINA module's file store). ``/config``, ``/reset`` and ``/reboot`` end
it: the device lets config mode go, then stores or erases the configuration and resets the board.
"""

import time

from micropython import const
from supervisor import ticks_ms

from blynk_edgent_lite import forget
from blynk_edgent_lite.nina import elapsed

# The most a request is read, or an answer sent, at a time: each piece is a copy (a slice, or a
# page's bytes read back), one block of the heap, and a fragmented 17 KB heap may have no larger.
_PIECE = const(96)
HEAD = b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"


class ConfigMode:
    """Config mode of ``device`` (an :class:`~blynk_edgent_lite.edgent.Edgent`), once opened
    (:func:`~blynk_edgent_lite.opening.open_config_mode`): its access point ``ap_ssid``, the
    portal's ``server`` socket and its three fixed pages (the opening keeps them in the NINA
    module's file store; ``pages`` says where: ``/board_info.json``, ``/wifi_scan.json``, ``/``)."""

    def __init__(self, device, ap_ssid, server, pages):
        self._device = device
        self.nina = device.nina
        self.pending = None  # what /config asked to store
        self.ap_ssid = ap_ssid[:]  # a copy, in the lowest hole (a slice copies on MicroPython)
        self._server = server
        self.board_info, self.wifi_scan, self.page = pages
        device.log("[edgent] config mode: access point %r, portal http://192.168.4.1/" % self.ap_ssid)
        device.enter("WAIT_CONFIG")

    def virtual_write(self, pin, value):
        """Nothing: no cloud in config mode (the value is dropped)."""

    def poll(self):
        """Answer the next request, if a phone sent one. Returns what the device must do before
        it resets, once a request asked for it: the configuration to store
        ``(ssid, password, token, host, port)``, ``b"erase"`` or ``b"reboot"``; else None."""
        nina = self.nina
        # asked of a server socket, AVAIL_DATA_TCP names a client's socket (255: none; 1.x offers
        # a client only once it has sent something)
        client = nina.available(self._server)
        if client == 255:
            return None
        then = None
        try:
            status, body, then = self._answer(self._first_line(client))
            self._send(client, status, body)
        except OSError as error:
            # the phone went before its answer did: what it asked still stands
            self._device.log("[edgent] a request's answer was cut: %r" % error)
        finally:
            nina.close(client)  # answered or not (a MemoryError): the socket goes
        return self.pending if then == b"save" else then

    def _answer(self, line):
        # The portal routes the request, then goes; /config's form is loaded in its place (each
        # loaded for one request: held while config mode lasts, they would leave less room for
        # every request).
        from blynk_edgent_lite.portal import answer

        status, body, then = answer(line, self)
        del answer
        forget("portal")
        if then == b"form":
            from blynk_edgent_lite.form import answer as judge

            status, body, then = judge(line, body, self)
            del judge
            forget("form")
        return status, body, then

    def _first_line(self, client):
        # The request's first line (what the portal answers), read _PIECE bytes at a time.
        nina = self.nina
        request = b""
        start = ticks_ms()
        while b"\r\n" not in request and elapsed(start) < 2000:
            count = nina.available(client)
            if count:
                request += nina.recv(client, min(count, _PIECE))
            elif not nina.connected(client):
                break
        end = request.find(b"\r\n")
        return request if end < 0 else request[:end]

    def _send(self, client, status, body):
        # The answer's head, then its body, _PIECE bytes at a time: bytes (JSON), or a page kept
        # in the NINA's file store ((file name, size), read back; HTML when the name says so).
        nina = self.nina
        kept = isinstance(body, tuple)
        size = body[1] if kept else len(body)
        kind = b"text/html; charset=utf-8" if kept and body[0].endswith(b".html") else b"application/json"
        nina.send(client, HEAD % (status, b"OK" if status == 200 else b"Error", kind, size))
        for at in range(0, size, _PIECE):
            nina.send(client, nina.read_file(body[0], at, min(_PIECE, size - at)) if kept else body[at : at + _PIECE])
        time.sleep(0.05)  # let the answer leave before the socket goes
