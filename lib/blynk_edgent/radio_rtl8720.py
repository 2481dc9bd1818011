# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The radio of the Seeed Wio Terminal: its own RTL8720DN, running Seeed's eRPC firmware (2.1.2
or later), over ``busio.UART`` (``board.RTL_MOSI``/``RTL_MISO``, 614400 baud, enable on
``board.RTL_PWR``). No AirLift needed (that is the ``seeeduino_wio_terminal_airlift`` profile).

The chip runs the IP stack and TLS; this backend calls its functions one frame at a time
(:mod:`blynk_edgent.rtl8720_link`) and gives the rest of blynk_edgent the same radio as the others:

* sockets are the chip's lwIP sockets, read with MSG_DONTWAIT; "nothing yet" is
  ``OSError(EAGAIN)`` as on CircuitPython; a server socket is non-blocking on the chip, so the
  chip's one server task is never held by a phone that is not there;
* TLS ends in the chip (``start_ssl_client``), which must be given a root CA: without one it
  verifies nothing and sends no SNI (../shared/docs/rtl8720-erpc.md section 3), so the CA that
  signs blynk.cloud (ISRG Root X1, :mod:`blynk_edgent.rtl8720_ca`) is always set;
* every call has a deadline; a call that gets no answer (a lost byte, a frame that failed its
  CRC, a chip that hung) resets the chip through its enable pin, starts it again as it was
  (its access point included) and tries the call once more. Sockets made before the reset are
  gone: using one raises ``OSError(ECONNRESET)`` and its owner opens another. The station is
  gone too, and ``connected`` says so: the device joins again.

Joining, scanning and the access point are in :mod:`blynk_edgent.radio_rtl8720_setup`, loaded
when needed.
"""

from errno import EAGAIN, ECONNRESET

from blynk_edgent.erpc import ERPCError
from blynk_edgent.rtl8720_link import RTLLink

STATION = 0  # tcpip_if 0: the station (the access point in AP-only mode)
_MSG_DONTWAIT = 0x08
_CHUNK = 1436  # what one send or receive carries at most (a TCP segment; small frames)
_SSL_WANT_READ = -0x6900


def from_pins(tx, rx, enable, log=None):
    """The radio of an RTL8720DN on these pins (``board.RTL_MOSI``, ``board.RTL_MISO``,
    ``board.RTL_PWR``). RuntimeError, saying what was found and how to update it, when the chip
    runs firmware older than 2.1.2 or the AT firmware."""
    import busio
    from digitalio import DigitalInOut

    from blynk_edgent.rtl8720_start import BAUD

    # A power of two, from the heap: a whole 4 KB frame and the events queued behind it.
    uart = busio.UART(tx, rx, baudrate=BAUD, receiver_buffer_size=8192, timeout=0)
    power = DigitalInOut(enable)
    power.switch_to_output(True)
    return RTL8720Radio(RTLLink(uart, power), log)


class RTL8720Radio:
    """The RTL8720DN as a blynk_edgent radio, over an :class:`~blynk_edgent.rtl8720_link.RTLLink`."""

    name = "rtl8720"
    # Blynk's Wio Terminal sketch names its access point from the 6 MAC bytes.
    esp32_chip_id = False
    captive_dns = False  # no UDP here: the page is at http://192.168.4.1/
    ap_restartable = True
    wep = True  # the chip takes WEP keys (security WEP_PSK)
    # The chip runs either a station or an access point here (Blynk's sketch: AP only in config
    # mode); the access point closes before a test-join.
    ap_beside_station = False
    ap_ip = "192.168.4.1"  # set on the chip when the access point starts (its own default differs)

    def __init__(self, link, log=None):
        self.link = link
        self.log = log or print
        self.generation = 0  # counts the chip's resets: sockets of an older one are gone
        self.mode = 0  # RTW_MODE: 0 off, 1 station, 2 access point
        self.access_point = None  # (ssid, password, channel) while one is up
        self.joined = None  # the name of the network joined, while joined
        self.last_scan = []  # what the last scan found (an access point cannot scan)
        from blynk_edgent.radio_rtl8720_setup import start

        self.version, self.mac = start(self)  # the firmware checked, a station, its MAC
        self.pool = _Pool(self)

    # -- calls ---------------------------------------------------------------------------------

    def call(self, name, *args, timeout_ms=2000, retry=True):
        """Call the chip; when it does not answer, reset it, start it again and try once more
        (``retry``; a socket's call is not tried again: its socket went with the reset).
        OSError when the second try fails too."""
        try:
            return self.link.call(name, *args, timeout_ms=timeout_ms)
        except ERPCError as error:
            self.recover(error)
        if not retry:
            raise OSError(ECONNRESET, "the RTL8720DN was reset")
        try:
            return self.link.call(name, *args, timeout_ms=timeout_ms)
        except ERPCError as error:
            raise OSError("the RTL8720DN does not answer %s: %s" % (name, error))

    def recover(self, error):
        """Reset the chip after ``error`` and bring back what it had: its mode and its access
        point; the station and every socket are lost."""
        from blynk_edgent.radio_rtl8720_setup import recover

        recover(self, error)

    def ssl_context(self):
        """The TLS "context": the radio itself, which marks sockets to connect in the chip's TLS client."""
        return self

    def wrap_socket(self, sock, server_hostname=None):
        """Mark ``sock`` to open TLS to ``server_hostname`` in the chip when it connects."""
        sock.tls_host = server_hostname
        return sock

    # -- the station ---------------------------------------------------------------------------

    @property
    def ap_mac(self):
        """The access point's MAC, as the chip says (asked while it serves one), else the station's + 1."""
        from blynk_edgent.radio_rtl8720_setup import ap_mac

        return ap_mac(self)

    def _station_address(self):
        # The station's address, or None; in AP mode interface 0 is the access point's: not asked.
        if self.mode != 1:
            return None
        info = self.call("tcpip_adapter_get_ip_info", STATION)[0]
        if len(info) < 4 or info[:4] == b"\0\0\0\0":
            return None
        return "%d.%d.%d.%d" % (info[0], info[1], info[2], info[3])

    @property
    def connected(self):
        """True while joined to a network with an address."""
        try:
            if self.mode != 1 or self.call("wifi_is_connected_to_ap")[0] != 0:
                return False
            return self._station_address() is not None
        except OSError:
            return False

    @property
    def ip(self):
        """The station's IPv4 address as text, or None."""
        try:
            return self._station_address() if self.connected else None
        except OSError:
            return None

    @property
    def rssi(self):
        """The signal of the joined network in dBm, or None."""
        if self.mode != 1:
            return None
        rssi, result = self.call("wifi_get_rssi")
        return rssi if result == 0 else None

    @property
    def ssid(self):
        """The name of the joined network, or None."""
        return self.joined if self.connected else None

    def join(self, config, timeout_s=15, hostname=None):
        """Join the network of ``config`` within ``timeout_s``, a slice at a time: an iterator that
        yields None while under way, then 0 or the ``last_error`` code of the failure."""
        from blynk_edgent.radio_rtl8720_setup import join

        return join(self, config, timeout_s, hostname)

    def leave(self):
        """Leave the joined network."""
        from blynk_edgent.radio_rtl8720_setup import leave

        leave(self)

    def scan(self):
        """Return the networks around as ``(ssid, bssid, rssi, channel, sec)``, strongest first.
        While the access point is up, what the scan before it found (the chip scans as a station)."""
        from blynk_edgent.radio_rtl8720_setup import scan

        if self.mode == 2:
            return list(self.last_scan)
        return scan(self)

    # -- the access point ----------------------------------------------------------------------

    def start_ap(self, ssid, password="", channel=1, max_clients=4):
        """Start the access point (open when ``password`` is empty) at 192.168.4.1."""
        from blynk_edgent.radio_rtl8720_setup import start_ap

        start_ap(self, ssid, password, channel)

    def stop_ap(self):
        """Stop the access point (back to a station, joined to nothing)."""
        from blynk_edgent.radio_rtl8720_setup import stop_ap

        stop_ap(self)

    @property
    def ap_clients(self):
        """How many phones are joined to the access point, or None when it is down."""
        from blynk_edgent.radio_rtl8720_setup import ap_clients

        return ap_clients(self)


class _Pool:
    """CircuitPython's SocketPool over the chip's lwIP."""

    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 4

    def __init__(self, radio):
        self.radio = radio

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        """Resolve ``host`` through the chip's DNS (OSError when it cannot)."""
        from blynk_edgent.radio_rtl8720_setup import resolve

        return [(2, 1, 0, "", (resolve(self.radio, host), port))]

    def socket(self, family=2, type=1, proto=0):
        """A TCP socket on the chip; OSError(23) when it has no free one."""
        return _Socket(self.radio, None)


class _Socket:
    """A chip socket with CircuitPython's behaviour. The lwIP socket is made when needed: a TLS
    connection is the chip's own (``start_ssl_client`` makes its socket itself)."""

    def __init__(self, radio, number):
        self.radio = radio
        self.generation = radio.generation
        self.number = number
        self.context = None  # the chip's TLS client, once connected over TLS
        self._timeout = None
        self.port = None  # bound to, and
        self.backlog = None  # listening with: a server listens again after a reset of the chip
        self.tls_host = None  # TLS ends in the chip, which connects to this name
        self.type = 1

    def fd(self):
        """The lwIP socket's number, made on first use; ECONNRESET once the chip was reset under it."""
        if self.generation != self.radio.generation:
            raise OSError(ECONNRESET, "the RTL8720DN was reset")
        if self.number is None:
            number = self.call("lwip_socket", 2, 1, 6)[0]
            if number < 0:
                raise OSError(self.errno() or 23, "no free socket on the RTL8720DN")
            self.number = number
        return self.number

    def call(self, name, *args, timeout_ms=2000):
        """A call for this socket: not tried again after a reset of the chip (the socket went with it)."""
        return self.radio.call(name, *args, timeout_ms=timeout_ms, retry=False)

    def errno(self):
        """The chip's errno, asked after a call that failed."""
        return self.call("lwip_errno")[0]

    def check(self, result, what):
        """``result``, or OSError with the chip's errno when it is negative."""
        if result < 0:
            raise OSError(self.errno() or ECONNRESET, what)
        return result

    def settimeout(self, value):
        self._timeout = value

    def setblocking(self, flag):
        self._timeout = None if flag else 0

    def setsockopt(self, level, name, value):
        pass  # lwIP on the chip reuses addresses by itself

    def bind(self, address):
        from blynk_edgent.radio_rtl8720_setup import bind

        bind(self, address[1])

    def listen(self, backlog):
        from blynk_edgent.radio_rtl8720_setup import listen

        listen(self, backlog)

    def accept(self):
        from blynk_edgent.radio_rtl8720_setup import accept

        return accept(self, _Socket)

    def connect(self, address):
        from blynk_edgent.radio_rtl8720_setup import connect

        connect(self, address)

    def recv_into(self, buffer, nbytes=0):
        wanted = min(nbytes or len(buffer), len(buffer), _CHUNK)
        while True:
            if self.context is not None:
                data, result = self.call("get_ssl_receive", self._tls(), wanted)
                if result > 0:
                    break
                if result != _SSL_WANT_READ:
                    return 0  # closed (or failed): the connection is over
                error = EAGAIN
            else:
                data, result = self.call("lwip_recv", self.fd(), wanted, _MSG_DONTWAIT, 0)
                if result >= 0:
                    break
                error = self.errno()
                if error != EAGAIN:
                    raise OSError(error)
            if self._timeout == 0:
                raise OSError(error)
            import time

            time.sleep(0.01)  # blocking reads are polled here: the chip must stay free
        count = min(result, len(data), wanted)
        buffer[:count] = data[:count]
        return count

    def _tls(self):
        if self.generation != self.radio.generation:
            raise OSError(ECONNRESET, "the RTL8720DN was reset")
        return self.context

    def send(self, data):
        chunk = bytes(data[:_CHUNK])
        if self.context is not None:
            sent = self.call("send_ssl_data", self._tls(), chunk, len(chunk))[0]
            if sent < 0:
                raise OSError(ECONNRESET, "TLS send failed (%d)" % sent)
            return sent
        return self.check(self.call("lwip_send", self.fd(), chunk, _MSG_DONTWAIT)[0], "send")

    def close(self):
        radio = self.radio
        if self.generation != radio.generation:
            return  # the chip was reset: nothing of this socket is left on it
        try:
            if self.context is not None:
                self.call("stop_ssl_socket", self.context)
                self.call("ssl_client_destroy", self.context)
            elif self.number is not None:
                self.call("lwip_close", self.number)
        except OSError:
            pass
        self.context = self.number = None
