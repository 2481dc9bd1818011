# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The radio on boards with WiFi in the chip (ESP32-S2/S3, Pico W): ``wifi``, ``socketpool``, ``ssl``.

Every radio backend offers the same small interface, so the rest of the library does not care
which one it drives: join a network with a failure reason, sockets and TLS, the MAC address, and
for config mode a scan and an access point.

``join()`` is a generator: a slice per poll, each one ``wifi.radio.connect`` call (CircuitPython
has no non-blocking join on these boards; radio_native_setup.join says how long one lasts).
"""


class NativeRadio:
    """``wifi.radio`` with its socket pool and TLS context."""

    name = "native"

    def __init__(self):
        import socketpool
        import wifi

        self.radio = wifi.radio
        self.pool = socketpool.SocketPool(wifi.radio)
        self._ssl_context = None
        # Arduino's ESP32 core hashes the MAC plus two zero bytes for the AP name; the
        # Pico W's CYW43 is named like the 6-byte boards.
        machine = ""
        try:
            import os

            machine = os.uname().machine
        except (ImportError, AttributeError):
            pass
        self.esp32_chip_id = "ESP32" in machine
        # Espressif chips run the access point beside a station, and close it without losing the
        # station; the CYW43 does neither, and starts its access point only once per boot.
        self.ap_beside_station = self.esp32_chip_id
        self.ap_restartable = self.esp32_chip_id
        self.captive_dns = True  # socketpool serves UDP
        self.wep = False  # connect() refuses a password under 8 characters, a 5-character WEP key

    def ssl_context(self):
        """Return the TLS context (created once: it holds the certificate bundle)."""
        if self._ssl_context is None:
            from blynk_edgent.radio_native_setup import tls_context

            self._ssl_context = tls_context()
        return self._ssl_context

    @property
    def mac(self):
        """The station MAC address, 6 bytes."""
        return self.radio.mac_address

    @property
    def ap_mac(self):
        """The access point's MAC address, 6 bytes."""
        return self.radio.mac_address_ap

    @property
    def connected(self):
        """True while joined to a network with an address."""
        return bool(self.radio.connected) and self.ip is not None

    @property
    def ip(self):
        """The station's IPv4 address as text, or None."""
        address = self.radio.ipv4_address
        # an ESP32 associated without a DHCP answer reads 0.0.0.0: no address (hardware-truth.md section 5)
        if address is None or str(address) == "0.0.0.0":
            return None
        return str(address)

    def _joined(self, field):
        # A field of the joined network's ap_info, or None; a Pico W has no ap_info at all
        # (hardware-truth.md section 1).
        try:
            info = self.radio.ap_info
        except NotImplementedError:
            return None
        return None if info is None else getattr(info, field)

    @property
    def rssi(self):
        """The signal of the joined network in dBm, or None (always on a Pico W)."""
        return self._joined("rssi")

    @property
    def ssid(self):
        """The name of the joined network, or None (always on a Pico W)."""
        return self._joined("ssid")

    def join(self, config, timeout_s, hostname=None):
        """Join the network of ``config`` within ``timeout_s``, a slice at a time: an iterator that
        yields None while under way, then 0 or the ``last_error`` code of the failure."""
        from blynk_edgent.radio_native_setup import join

        return join(self.radio, config, timeout_s, hostname, self.esp32_chip_id)

    def leave(self):
        """Leave the joined network."""
        try:
            self.radio.stop_station()
        except (AttributeError, OSError, RuntimeError):
            pass

    # -- config mode -----------------------------------------------------------------------

    def scan(self):
        """Return the networks around as ``(ssid, bssid, rssi, channel, sec)``, strongest first."""
        from blynk_edgent.radio_native_setup import scan

        return scan(self.radio, self.esp32_chip_id)

    def start_ap(self, ssid, password="", channel=1, max_clients=4):
        """Start the access point (open when ``password`` is empty)."""
        self.radio.start_ap(ssid, password, channel=channel, max_connections=max_clients)

    def stop_ap(self):
        """Stop the access point."""
        self.radio.stop_ap()

    @property
    def ap_ip(self):
        """The access point's own address, 192.168.4.1 unless the port chose otherwise."""
        address = self.radio.ipv4_address_ap
        return "192.168.4.1" if address is None else str(address)

    @property
    def ap_clients(self):
        """How many phones are joined to the access point, or None when the radio cannot say."""
        try:
            return len(self.radio.stations_ap or ())  # None while the access point is down (section 2)
        except (AttributeError, NotImplementedError):
            return None
