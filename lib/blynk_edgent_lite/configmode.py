# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config mode: the access point, and the Blynk app's API served a request at
a time (:mod:`~blynk_edgent_lite.portal` answers). ``/config`` stores the configuration and
resets the board; ``/reset`` erases it and resets; ``/reboot`` resets.
"""

import time

from supervisor import ticks_ms

from blynk_edgent_lite import forget
from blynk_edgent_lite.nina import elapsed

# The most a request is read, or an answer sent, at a time: each is a NINA command whose frame
# needs one block of the heap, and a fragmented 17 KB heap may have no larger one.
PIECE = 96
HEAD = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"


class ConfigMode:
    """Config mode of ``device`` (an :class:`~blynk_edgent_lite.edgent.Edgent`), opened by
    :func:`~blynk_edgent_lite.opening.open_config_mode`: its access point ``ap_ssid``, the
    portal's ``server`` socket and its two fixed pages (JSON bytes)."""

    def __init__(self, device, ap_ssid, server, board_info, wifi_scan):
        self._device = device
        self.nina = device.nina
        self.ap_ssid = ap_ssid
        self._server = server
        self.board_info = board_info
        self.wifi_scan = wifi_scan
        self.pending = None  # what /config asked to store
        from blynk_edgent_lite.portal import answer

        self._answer = answer  # held here, so that a save can let the portal go
        device.log("[edgent] config mode: access point %r, portal http://192.168.4.1/" % ap_ssid)
        device.enter("WAIT_CONFIG")

    def virtual_write(self, pin, value):
        """Nothing: no cloud in config mode (the value is dropped)."""

    def poll(self):
        """Answer the next request, if a phone sent one."""
        nina = self.nina
        # asked of a server socket, AVAIL_DATA_TCP names a client's socket (255: none; 1.x offers
        # a client only once it has sent something)
        client = nina.available(self._server)
        if client == 255:
            return
        try:
            status, body, then = self._answer(self._first_line(client), self)
            self._send(client, status, body)
        finally:
            nina.close(client)  # answered or not (a MemoryError): the socket goes
        if then is None:
            return
        del self._answer
        forget("portal")  # the store's turn: the board resets next
        device = self._device
        config = self.pending
        if then == b"save" and config is not None:
            from blynk_edgent_lite.store import FileStore

            FileStore(nina).save(*config)
            device.log("[edgent] configuration stored: network %r; resetting" % config[0])
        elif then == b"erase":
            device.erase()
        device.reboot()

    def _first_line(self, client):
        # The request's first line (what the portal answers), read PIECE bytes at a time.
        nina = self.nina
        request = b""
        start = ticks_ms()
        while b"\r\n" not in request and elapsed(start) < 2000:
            count = nina.available(client)
            if count:
                request += nina.recv(client, min(count, PIECE))
            elif not nina.connected(client):
                break
        end = request.find(b"\r\n")
        return request if end < 0 else request[:end]

    def _send(self, client, status, body):
        # The answer's head, then its body's pieces, PIECE bytes at a time.
        nina = self.nina
        size = sum(len(piece) for piece in body)
        nina.send(client, HEAD % (status, b"OK" if status == 200 else b"Error", size))
        for piece in body:
            for at in range(0, len(piece), PIECE):
                nina.send(client, piece[at : at + PIECE])
        time.sleep(0.05)  # let the answer leave before the socket goes
