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
_F_SETFL = 4
_O_NONBLOCK = 1
_CHUNK = 1436  # what one send or receive carries at most (a TCP segment; small frames)
_SSL_WANT_READ = -0x6900
_CONNECT_MS = 26000  # lwIP gives up on a peer that never answers after about 21 s
_TLS_HANDSHAKE_MS = 30000  # Blynk's: 30 s for TLS
_DNS_MS = 10000


def from_pins(tx, rx, enable, log=None):
    """The radio of an RTL8720DN on these pins (``board.RTL_MOSI``, ``board.RTL_MISO``,
    ``board.RTL_PWR``). RuntimeError, saying what was found and how to update it, when the chip
    runs firmware older than 2.1.2 or the AT firmware."""
    import busio
    from digitalio import DigitalInOut

    from blynk_edgent.rtl8720_link import BAUD

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
        self._log = log or print
        self.generation = 0  # counts the chip's resets: sockets of an older one are gone
        self.mode = 0  # RTW_MODE: 0 off, 1 station, 2 access point
        self.access_point = None  # (ssid, password, channel) while one is up
        self.joined = None  # the name of the network joined, while joined
        self.last_scan = []  # what the last scan found (an access point cannot scan)
        self.version = link.start()
        self._log("[edgent] rtl8720: eRPC firmware %s" % self.version)
        self.switch_mode(1)
        text = self.call("wifi_get_mac_address")[0]
        self.mac = bytes(int(text[i : i + 2], 16) for i in range(0, 17, 3))
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
        self._log("[edgent] rtl8720: %s; resetting the chip" % error)
        self.generation += 1
        self.joined = None
        mode, self.mode = self.mode, 0
        access_point = self.access_point
        try:
            self.link.start()
            if access_point is not None:
                from blynk_edgent.radio_rtl8720_setup import start_ap

                start_ap(self, *access_point)
            else:
                self.switch_mode(mode or 1)
        except (ERPCError, RuntimeError) as again:
            raise OSError("the RTL8720DN does not start again: %s" % again)

    def switch_mode(self, mode):
        """Turn the WiFi off and on again in ``mode`` (1 station, 2 access point): what was up goes."""
        link = self.link
        link.call("tcpip_adapter_init")
        link.call("wifi_off")
        if link.call("wifi_on", mode, timeout_ms=5000)[0] != 0:
            raise OSError("the RTL8720DN refused wifi_on(%d)" % mode)
        self.mode = mode
        self.joined = None
        if mode != 2:
            self.access_point = None

    def ssl_context(self):
        """A TLS "context": it marks sockets to connect in the chip's TLS client."""
        return _TLSContext()

    # -- the station ---------------------------------------------------------------------------

    @property
    def ap_mac(self):
        """The access point's MAC, as the chip says (asked while it serves one), else the station's + 1."""
        if self.mode == 2:
            mac = self.call("tcpip_adapter_get_mac", STATION)[0]
            if len(mac) == 6:
                return mac
        mac = self.mac
        return mac[:5] + bytes(((mac[5] + 1) & 0xFF,))

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
        self.joined = None
        try:
            if self.mode == 1:
                self.call("wifi_disconnect")
        except OSError:
            pass

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
        self.access_point = None
        try:
            self.switch_mode(1)
        except ERPCError as error:
            self.recover(error)

    @property
    def ap_clients(self):
        """How many phones are joined to the access point, or None when it is down."""
        if self.mode != 2:
            return None
        data, result = self.call("wifi_get_associated_client_list", 256)
        if result != 0 or len(data) < 4:
            return None
        return data[0] | data[1] << 8


def sockaddr(host, port):
    """lwIP's 16-byte sockaddr_in for ``host`` (dotted text) and ``port``."""
    parts = [int(part) for part in host.split(".")]
    return bytes((16, 2, port >> 8, port & 0xFF)) + bytes(parts) + bytes(8)


class _TLSContext:
    def wrap_socket(self, sock, server_hostname=None):
        sock.tls_host = server_hostname
        return sock


class _Pool:
    """CircuitPython's SocketPool over the chip's lwIP."""

    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 4

    def __init__(self, radio):
        self._radio = radio

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        """Resolve ``host`` through the chip's DNS (OSError when it cannot)."""
        parts = host.split(".")
        if len(parts) == 4 and all(part.isdigit() for part in parts):
            address = host
        else:
            data, result = self._radio.call("netconn_gethostbyname", host, timeout_ms=_DNS_MS)
            if result != 0 or len(data) < 4:
                raise OSError(-2, "Name or service not known: %s" % host)
            address = "%d.%d.%d.%d" % (data[0], data[1], data[2], data[3])
        return [(self.AF_INET, self.SOCK_STREAM, 0, "", (address, port))]

    def socket(self, family=2, type=1, proto=0):
        """A TCP socket on the chip; OSError(23) when it has no free one."""
        return _Socket(self._radio, None)


class _Socket:
    """A chip socket with CircuitPython's behaviour. The lwIP socket is made when needed: a TLS
    connection is the chip's own (``start_ssl_client`` makes its socket itself)."""

    def __init__(self, radio, number):
        self._radio = radio
        self._generation = radio.generation
        self._number = number
        self._context = None  # the chip's TLS client, once connected over TLS
        self._timeout = None
        self._port = None  # bound to, and
        self._backlog = None  # listening with: a server listens again after a reset of the chip
        self.tls_host = None  # TLS ends in the chip, which connects to this name
        self.type = 1

    def _fd(self):
        # The lwIP socket, made on first use; ECONNRESET once the chip was reset under it.
        if self._generation != self._radio.generation:
            raise OSError(ECONNRESET, "the RTL8720DN was reset")
        if self._number is None:
            number = self._call("lwip_socket", 2, 1, 6)[0]
            if number < 0:
                raise OSError(self._errno() or 23, "no free socket on the RTL8720DN")
            self._number = number
        return self._number

    def _call(self, name, *args, timeout_ms=2000):
        return self._radio.call(name, *args, timeout_ms=timeout_ms, retry=False)

    def _errno(self):
        return self._call("lwip_errno")[0]

    def _check(self, result, what):
        if result < 0:
            raise OSError(self._errno() or ECONNRESET, what)
        return result

    def settimeout(self, value):
        self._timeout = value

    def setblocking(self, flag):
        self._timeout = None if flag else 0

    def setsockopt(self, level, name, value):
        pass  # lwIP on the chip reuses addresses by itself

    def bind(self, address):
        self._check(self._call("lwip_bind", self._fd(), sockaddr("0.0.0.0", address[1]), 16)[0], "bind")
        self._port = address[1]

    def listen(self, backlog):
        self._check(self._call("lwip_listen", self._fd(), backlog)[0], "listen")
        # accept never waits on the chip: a blocking one would hold its only server task
        self._check(self._call("lwip_fcntl", self._fd(), _F_SETFL, _O_NONBLOCK)[0], "fcntl")
        self._backlog = backlog

    def accept(self):
        if self._generation != self._radio.generation and self._backlog is not None:
            # The chip was reset under this server: it listens again on its port, as it was.
            self._generation, self._number = self._radio.generation, None
            self.bind((None, self._port))
            self.listen(self._backlog)
        try:
            _addrlen, number = self._call("lwip_accept", self._fd(), bytes(16), 16)
        except OSError as error:
            if self._generation != self._radio.generation:
                raise OSError(EAGAIN, "the RTL8720DN was reset: listening again at the next look")
            raise error
        if number < 0:
            raise OSError(self._errno() or EAGAIN)
        return _Socket(self._radio, number), ("0.0.0.0", 0)

    def connect(self, address):
        radio = self._radio
        if self.tls_host is None:
            result = self._call(
                "lwip_connect", self._fd(), sockaddr(address[0], address[1]), 16, timeout_ms=_CONNECT_MS
            )[0]
            self._check(result, "cannot connect to %s:%d" % (address[0], address[1]))
            return
        if self._generation != radio.generation:
            raise OSError(ECONNRESET, "the RTL8720DN was reset")
        from blynk_edgent.radio_rtl8720_setup import start_tls

        self._context, self._number = start_tls(radio, self.tls_host, address[1], _TLS_HANDSHAKE_MS, _CONNECT_MS)

    def recv_into(self, buffer, nbytes=0):
        wanted = min(nbytes or len(buffer), len(buffer), _CHUNK)
        while True:
            if self._context is not None:
                data, result = self._call("get_ssl_receive", self._tls(), wanted)
                if result > 0:
                    break
                if result != _SSL_WANT_READ:
                    return 0  # closed (or failed): the connection is over
                error = EAGAIN
            else:
                data, result = self._call("lwip_recv", self._fd(), wanted, _MSG_DONTWAIT, 0)
                if result >= 0:
                    break
                error = self._errno()
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
        if self._generation != self._radio.generation:
            raise OSError(ECONNRESET, "the RTL8720DN was reset")
        return self._context

    def send(self, data):
        chunk = bytes(data[:_CHUNK])
        if self._context is not None:
            sent = self._call("send_ssl_data", self._tls(), chunk, len(chunk))[0]
            if sent < 0:
                raise OSError(ECONNRESET, "TLS send failed (%d)" % sent)
            return sent
        return self._check(self._call("lwip_send", self._fd(), chunk, _MSG_DONTWAIT)[0], "send")

    def close(self):
        radio = self._radio
        if self._generation != radio.generation:
            return  # the chip was reset: nothing of this socket is left on it
        try:
            if self._context is not None:
                self._call("stop_ssl_socket", self._context)
                self._call("ssl_client_destroy", self._context)
            elif self._number is not None:
                self._call("lwip_close", self._number)
        except OSError:
            pass
        self._context = self._number = None
