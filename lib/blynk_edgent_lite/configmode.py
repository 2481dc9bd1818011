# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config mode: the access point, and the Blynk app's API served a request at
a time (:mod:`~blynk_edgent_lite.portal` answers). ``/config``, ``/reset`` and ``/reboot`` end
it: the device lets config mode go, then stores or erases the configuration and resets the board.
"""

import time

from micropython import const
from supervisor import ticks_ms

from blynk_edgent_lite import forget
from blynk_edgent_lite.nina import elapsed

# The most a request is read, or an answer sent, at a time: each is a NINA command whose frame
# needs one block of the heap, and a fragmented 17 KB heap may have no larger one.
_PIECE = const(96)
HEAD = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"


class ConfigMode:
    """Config mode of ``device`` (an :class:`~blynk_edgent_lite.edgent.Edgent`): its access point
    ``ap_ssid``, the portal's server socket and its two fixed pages ``board_info`` and
    ``wifi_scan`` (JSON, in pieces): :func:`~blynk_edgent_lite.opening.open_config_mode` opens
    it, :mod:`~blynk_edgent_lite.pages` writes them."""

    def __init__(self, device):
        self._device = device
        self.nina = device.nina
        self.pending = None  # what /config asked to store
        # The collector never moves a block, so what outlives a helper module is copied once the
        # helper is gone: the copies, then the portal, go to the lowest holes, and the free heap
        # stays in one stretch above them for the requests.
        from blynk_edgent_lite.opening import open_config_mode

        self.ap_ssid, self._server, networks = open_config_mode(device)
        del open_config_mode
        forget("opening")
        from blynk_edgent_lite.pages import board_info, wifi_scan

        info = board_info(device, self.ap_ssid)
        found = wifi_scan(networks)
        del board_info, wifi_scan, networks
        forget("pages")
        # copies (a slice copies on MicroPython; bytes() would give the same object back)
        self.board_info = tuple(piece[:] for piece in info)
        self.wifi_scan = [piece[:] for piece in found]
        self.ap_ssid = self.ap_ssid[:]
        del info, found
        from blynk_edgent_lite.portal import answer

        self._answer = answer
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
            status, body, then = self._answer(self._first_line(client), self)
            self._send(client, status, body)
        except OSError as error:
            # the phone went before its answer did: what it asked still stands
            self._device.log("[edgent] a request's answer was cut: %r" % error)
        finally:
            nina.close(client)  # answered or not (a MemoryError): the socket goes
        return self.pending if then == b"save" else then

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
        # The answer's head, then its body's pieces, _PIECE bytes at a time.
        nina = self.nina
        size = sum(len(piece) for piece in body)
        nina.send(client, HEAD % (status, b"OK" if status == 200 else b"Error", size))
        for piece in body:
            for at in range(0, len(piece), _PIECE):
                nina.send(client, piece[at : at + _PIECE])
        time.sleep(0.05)  # let the answer leave before the socket goes
