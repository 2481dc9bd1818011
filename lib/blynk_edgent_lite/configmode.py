# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config mode: the access point, and the Blynk app's API served a request at
a time (:mod:`~blynk_edgent_lite.portal` answers). ``/config`` stores the configuration and
resets the board; ``/reset`` erases it and resets; ``/reboot`` resets.
"""

import time

from supervisor import ticks_ms

from blynk_edgent_lite import forget, nina_ap
from blynk_edgent_lite.nina import elapsed


class ConfigMode:
    """Config mode of ``device`` (an :class:`~blynk_edgent_lite.edgent.Edgent`); what the portal
    reads of the device (its template, names and addresses, the networks around) is here."""

    def __init__(self, device):
        nina = device.nina
        self._device = device
        self._nina = nina
        self.networks = nina_ap.scan(nina)  # before the access point: a scan on 1.x drops it
        self.template_id, self.template_name, self.firmware = device.template
        self.mac = device.mac
        from blynk_edgent_lite.apname import ap_ssid  # one module at a time: the heap's peak

        self.ap_ssid = bytes(ap_ssid(str(self.template_name, "utf-8"), self.mac), "utf-8")
        forget("apname", "crc")
        self.ap_mac = self.mac[:5] + bytes(((self.mac[5] + 1) & 0xFF,))
        self.last_error = device.last_error
        from blynk_edgent_lite.pages import board_info, wifi_scan

        self.board_info = board_info(self)  # the portal's two pages, fixed while config mode lasts
        self.wifi_scan = wifi_scan(self.networks)
        self.networks = None
        forget("pages")
        self.pending = None  # what /config asked to store
        nina_ap.start_ap(nina, self.ap_ssid)
        self._server = nina.socket()
        nina_ap.listen(nina, self._server, 80)
        device.log("[edgent] config mode: access point %r, portal http://192.168.4.1/" % self.ap_ssid)
        device.enter("WAIT_CONFIG")

    def virtual_write(self, pin, value):
        """Nothing: no cloud in config mode (the value is dropped)."""

    def poll(self):
        """Answer the next request, if a phone sent one."""
        from blynk_edgent_lite.portal import answer

        nina = self._nina
        client = nina_ap.accept(nina, self._server)
        if client is None:
            return
        request = b""
        start = ticks_ms()
        while b"\r\n" not in request and elapsed(start) < 2000:
            count = nina.available(client)
            if count:
                request += nina.recv(client, min(count, 255))
            elif not nina.connected(client):
                break
        line = request[: request.find(b"\r\n")] if b"\r\n" in request else request
        status, body, then = answer(line, self)
        head = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
        nina.send(client, head % (status, b"OK" if status == 200 else b"Error", len(body)) + body)
        time.sleep(0.05)  # let the answer leave before the socket goes
        nina.close(client)
        if then is None:
            return
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
