# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The radio on boards whose WiFi is an ESP32 co-processor running NINA firmware (AirLift boards,
PyPortal, Metro M4 AirLift, MatrixPortal, Nano RP2040 Connect, a Wio Terminal with an AirLift),
through ``adafruit_esp32spi`` (version 10 or later, whose socketpool can bind, listen and accept).

The library's sockets differ from CircuitPython's in ways the rest of blynk_edgent must not
see, so this backend wraps them:

* a non-blocking ``recv_into`` with nothing to read returns 0, which also means "closed": the
  wrapper asks the firmware for the socket's state and raises ``OSError(EAGAIN)`` while it is
  still open, as CircuitPython's sockets do;
* TLS ends in the ESP32, which must be given the host name, not an address;
* a non-blocking ``accept`` with no client raises ``OSError(ECONNRESET)``: the wrapper raises
  ``OSError(EAGAIN)`` instead.

Firmware differences (../shared/docs/circuitpython-platform.md section 2.2) are handled by
branching on ``esp.firmware_version``, and the log says which path runs: 1.x reverses the MAC's
bytes and cannot keep its access point while it scans or joins; 3.x reports the station's status
while it serves an access point, so ``create_AP`` would wait for a status that never comes.
"""

from errno import EAGAIN, ECONNRESET

_SOCKET_CLOSED_STATES = (0, 7, 8, 9, 10)  # CLOSED, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT


class ESP32SPIRadio:
    """An ``adafruit_esp32spi.ESP_SPIcontrol`` as a blynk_edgent radio."""

    name = "esp32spi"
    # NINA boards name their AP from the 6 MAC bytes, as Arduino's MKR/Nano firmware does.
    esp32_chip_id = False
    # The library's socketpool has no recvfrom_into, so no DNS server: the page is reached
    # at http://192.168.4.1/ (phones still probe and open it through the HTTP answers).
    captive_dns = False
    ap_restartable = True
    wep = True  # NINA hands any password to ESP-IDF, which takes WEP keys of 5 and 13 characters
    # 3.x keeps its access point up while it scans and joins as a station, but neither line can
    # close the access point without resetting the ESP32, which drops the station too: the access
    # point closes before a test-join, as in Blynk's firmware.
    ap_beside_station = False

    def __init__(self, esp, log=None):
        from adafruit_esp32spi.adafruit_esp32spi_socketpool import SocketPool

        from blynk_edgent.radio_esp32spi_setup import firmware

        self.esp = esp
        self.pool = _Pool(SocketPool(esp), esp)
        self.nina3 = firmware(esp, log or print)
        # The station MAC, 6 bytes in natural order, read once before any access point: in AP mode
        # 1.x reports the AP interface's (hardware-truth.md section 14). 1.x sends the bytes
        # reversed and the library's mac_address turns them back; 3.x sends them in order.
        self.mac = bytes(esp.MAC_address if self.nina3 else esp.mac_address)

    def ssl_context(self):
        """A TLS "context": it marks sockets to connect in the firmware's TLS mode."""
        return _TLSContext()

    @property
    def ap_mac(self):
        """The access point's MAC: the station MAC + 1, as on every ESP32."""
        mac = self.mac
        return mac[:5] + bytes(((mac[5] + 1) & 0xFF,))

    @property
    def connected(self):
        """True while joined to a network (one SPI transaction).

        Not the library's ``connected``, which resets the ESP32 (dropping the access point and
        every socket) on any SPI error; here only an ESP32 that stopped answering is reset.
        """
        try:
            return self.esp.status == 3  # WL_CONNECTED
        except (OSError, RuntimeError) as error:
            recover(self.esp, error)
            return False

    @property
    def ip(self):
        """The station's IPv4 address as text, or None."""
        return self.esp.ipv4_address if self.connected else None

    @property
    def rssi(self):
        """The signal of the joined network in dBm, or None."""
        info = self.esp.ap_info
        return None if info is None else info.rssi

    @property
    def ssid(self):
        """The name of the joined network, or None."""
        info = self.esp.ap_info
        return None if info is None else info.ssid

    def join(self, config, timeout_s=15, hostname=None):
        """Join the network of ``config`` within ``timeout_s``, a slice at a time: an iterator that
        yields None while under way, then 0 or the ``last_error`` code of the failure."""
        from blynk_edgent.radio_esp32spi_setup import join

        return join(self.esp, self.nina3, config, timeout_s, hostname)

    def leave(self):
        """Leave the joined network."""
        try:
            self.esp.disconnect()
        except (OSError, RuntimeError):
            pass

    def scan(self):
        """Return the networks around as ``(ssid, bssid, rssi, channel, sec)``, strongest first.

        On firmware 1.x this drops the access point: scan before starting it.
        """
        from blynk_edgent.radio_esp32spi_setup import scan

        return scan(self.esp, self.nina3)

    def start_ap(self, ssid, password="", channel=1, max_clients=4):
        """Start the access point (open when ``password`` is empty); 4 clients at most on NINA."""
        from blynk_edgent.radio_esp32spi_setup import start_ap

        start_ap(self.esp, self.nina3, ssid, password, channel)

    def stop_ap(self):
        """Stop the access point: NINA has no command for it, so the ESP32 is reset."""
        self.esp.reset()

    ap_ip = "192.168.4.1"
    ap_clients = None  # NINA cannot list the phones on its access point


def from_pins(spi, cs, busy, reset, gpio0=None, log=None):
    """The radio of an ESP32 wired to these pins (``board.ESP_CS`` and friends) and SPI bus."""
    from adafruit_esp32spi import adafruit_esp32spi
    from digitalio import DigitalInOut

    esp = adafruit_esp32spi.ESP_SPIcontrol(
        spi,
        DigitalInOut(cs),
        DigitalInOut(busy),
        DigitalInOut(reset),
        DigitalInOut(gpio0) if gpio0 is not None else None,
    )
    return ESP32SPIRadio(esp, log)


def recover(esp, error):
    """Reset the ESP32 if ``error`` says it stopped answering: a command that outlasts the
    library's 10 s wait (a TLS handshake may take the firmware up to 120 s) leaves the SPI
    exchange out of step until the chip is reset (hardware-truth.md section 15). The station and
    every socket go with the reset; the attempt under way fails and is tried again. The library
    still counts a TLS socket open until it is closed: whoever holds one closes it on a failure
    (the cloud link does), so the next TLS connect is not refused with OSError(23)."""
    if isinstance(error, TimeoutError) and "not responding" in str(error):
        esp.reset()


class _TLSContext:
    def wrap_socket(self, sock, server_hostname=None):
        sock.tls_host = server_hostname
        return sock


class _Pool:
    """The library's SocketPool with CircuitPython's socket behaviour."""

    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 4

    def __init__(self, pool, esp):
        self._pool = pool
        self._esp = esp

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        """Resolve ``host`` through the ESP32 (ConnectionError, an OSError, when it cannot)."""
        return self._pool.getaddrinfo(host, port, family, type, proto, flags)

    def socket(self, family=2, type=1, proto=0):
        """A socket; ``OSError(23)`` when the firmware has no free slot."""
        return _Socket(self._pool.socket(family, type, proto), self._esp, type)


class _Socket:
    def __init__(self, sock, esp, kind):
        self._sock = sock
        self._esp = esp
        self.tls_host = None  # TLS ends in the ESP32, which connects to this name
        self.type = kind  # SOCK_STREAM or SOCK_DGRAM, as it was asked for
        self._timeout = None  # as the library's: kept here to tell a non-blocking read

    def settimeout(self, value):
        self._sock.settimeout(value)
        self._timeout = value

    def setblocking(self, flag):
        self._sock.setblocking(flag)
        self._timeout = None if flag else 0

    def setsockopt(self, level, name, value):
        pass  # the library ignores options too

    def bind(self, address):
        self._sock.bind(address)

    def listen(self, backlog):
        self._sock.listen(backlog)

    def accept(self):
        try:
            sock, peer = self._sock.accept()
        except OSError as error:
            if error.args and error.args[0] == ECONNRESET:  # the library's "nobody waits"
                raise OSError(EAGAIN)
            raise
        return _Socket(sock, self._esp, self.type), peer

    def connect(self, address):
        if self.tls_host is not None:
            try:
                self._sock.connect((self.tls_host, address[1]), self._esp.TLS_MODE)
            except (ConnectionError, TimeoutError) as error:  # BrokenPipeError is a ConnectionError
                # NINA says only "could not connect": a refused server and a TLS failure look
                # alike from here.
                recover(self._esp, error)
                raise OSError(111, "NINA could not open TLS to %s: %s" % (self.tls_host, error))
        else:
            try:
                self._sock.connect(address)
            except TimeoutError as error:
                recover(self._esp, error)
                raise

    def recv_into(self, buffer, nbytes=0):
        count = self._sock.recv_into(buffer, nbytes)
        if count == 0 and self._timeout == 0:
            # The library returns 0 both for "nothing yet" and for "closed"; the firmware knows.
            if self._esp.socket_status(self._sock._socknum) not in _SOCKET_CLOSED_STATES:
                raise OSError(EAGAIN)
        return count

    def send(self, data):
        return self._sock.send(data)

    def close(self):
        self._sock.close()
