"""The link to Blynk.Cloud, all but its hot path: opening it (TCP, then TLS unless asked not to)
and logging in, the login's answer, INTERNAL commands (``dbg`` console lines, ``ota``), REDIRECT,
DEBUG_PRINT, refusing hardware commands the device does not have, the messages that wait for the
rate limit's next second, and the words for a lost link.

The hot path (reading, PING, virtual-pin writes, the heartbeat, sending) is in
:class:`~blynk_edgent.edgent.Edgent`; this module is imported when one of these moments comes and
dropped after, so a running device does not hold it in RAM. A failure to open raises
:class:`CloudError`; a failure afterwards goes to ``lifecycle.lost`` (the hot path's reports) or
``lifecycle.link_failed`` (a refused login, a redirect).
"""

from micropython import const

from blynk_edgent.edgent import HEARTBEAT_MS, RUNNING, frame

BUFF_IN = 1024  # the largest body the device takes, announced as buff-in
BUILD = "Nov 25 2026 00:00:00"  # Blynk's info message wants a C-style build date

# Blynk command codes and statuses this module meets
_RESPONSE = const(0)
_BRIDGE = const(15)
_INTERNAL = const(17)
_HARDWARE = const(20)
_HW_LOGIN = const(29)
_REDIRECT = const(41)
_DEBUG_PRINT = const(55)
_OK = const(200)
_ILLEGAL_COMMAND = const(2)
_ALREADY_REGISTERED = const(4)
_INVALID_TOKEN = const(9)

# What Edgent's hot path reports, in words (kept here so a running device does not hold them).
LOST = {
    "recv": "connection lost: %s",
    "closed": "the server closed the connection",
    "corrupt": "corrupt stream from the server: %s",
    "heartbeat": "heartbeat lost: nothing heard for %d s",
    "send": "send failed: %s",
}


class CloudError(Exception):
    """Opening the link failed; ``code`` is the ``last_error`` code, ``str()`` the reason in words."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code


def reason(why, detail):
    """The words for a lost link, from what the hot path reported."""
    text = LOST[why]
    if "%" not in text:
        return text
    return text % (detail // 1000 if why == "heartbeat" else detail)


def address(edgent):
    """The cloud ``(host, port)`` the link uses: the configuration's, unless a REDIRECT moved it."""
    if edgent._cloud is None:
        edgent._cloud = (edgent.config.host, edgent.config.port)
    return edgent._cloud


def info(edgent):
    """The info message Blynk expects right after login (protocol doc section 6.3)."""
    import os

    from blynk_edgent import __version__ as version

    try:
        device = os.uname().machine
    except AttributeError:
        device = "CircuitPython"
    return (
        "mcu", edgent.firmware_version, "fw-type", edgent.template_id, "build", BUILD, "blynk", version,
        "h-beat", HEARTBEAT_MS // 1000, "buff-in", BUFF_IN, "dev", device, "ver", version,
        "fw", edgent.firmware_version, "tmpl", edgent.template_id,
    )  # fmt: skip


def open_link(edgent, pool, ssl_context, now, timeout_s):
    """Connect the link (TCP, then TLS unless ``ssl_context`` is None) and send the login.

    Blocks at most ``timeout_s``. Raises CloudError 710 when the host name does not resolve,
    711 when TLS fails, and 702 when the server cannot be reached. The caller has closed any
    link before (``lifecycle.close_link``).
    """
    from blynk_edgent.errors import CLOUD_DNS, CLOUD_TIMEOUT, CLOUD_TLS

    host, port = address(edgent)
    try:
        where = pool.getaddrinfo(host, port)[0][4]
    except OSError as error:
        raise CloudError(CLOUD_DNS, "cannot resolve %s: %s" % (host, error))
    try:
        sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    except (OSError, RuntimeError) as error:
        # No socket free: NINA answers OSError(23), CircuitPython's pool RuntimeError("Out of sockets").
        raise CloudError(CLOUD_TIMEOUT, "no free socket for %s:%d: %s" % (host, port, error))
    try:
        sock.settimeout(timeout_s)
        if ssl_context is not None:
            sock = ssl_context.wrap_socket(sock, server_hostname=host)
        sock.connect(where)
        sock.settimeout(0)
    except OSError as error:
        sock.close()
        # mbedtls reports TLS failures as large negative numbers; the socket, as errno.
        errno = error.args[0] if error.args and isinstance(error.args[0], int) else 0
        if ssl_context is not None and (errno < -255 or errno == 0):
            raise CloudError(CLOUD_TLS, "TLS with %s failed: %s" % (host, error))
        raise CloudError(CLOUD_TIMEOUT, "cannot reach %s:%d: %s" % (host, port, error))
    if edgent._buf is None:
        edgent._buf = bytearray(5 + BUFF_IN)
    edgent._sock = sock
    edgent._fill = edgent._id = edgent._reply = 0
    edgent._opened = edgent._heard = edgent._told = edgent._pinged = now
    edgent._write(frame(_HW_LOGIN, edgent._next_id(), (edgent.config.token,)), now)


def handle(edgent, command, msg_id, body, now):
    """Answer a frame the hot path does not (``body`` is the status for a RESPONSE)."""
    if command == _RESPONSE:
        if edgent.state != RUNNING and msg_id == 1:
            _login_answer(edgent, body, now)
        return
    try:
        args = body.decode().split("\x00") if body else []
    except UnicodeError:
        args = None
    if command == _REDIRECT:
        _redirect(edgent, args or [], now)
    elif command == _INTERNAL and args:
        edgent._reply = msg_id
        try:
            _internal(edgent, args, msg_id, now)
        finally:
            edgent._reply = 0
    elif command == _DEBUG_PRINT:
        edgent._log("server says: %s" % (args[0] if args else ""))
    elif command in (_HARDWARE, _BRIDGE, _INTERNAL):
        # dw, dr, aw, ar, pm, a malformed vw, text that is not UTF-8: Blynk's answer is
        # ILLEGAL_COMMAND, with the same id.
        edgent._write(frame(_RESPONSE, msg_id, _ILLEGAL_COMMAND), now)


def _login_answer(edgent, status, now):
    from blynk_edgent import lifecycle
    from blynk_edgent.errors import CLOUD_TIMEOUT, CLOUD_TOKEN

    if status in (_OK, _ALREADY_REGISTERED):
        edgent._write(frame(_INTERNAL, edgent._next_id(), info(edgent)), now)
        if edgent._sock is not None:  # a failed send has gone to lifecycle.link_failed already
            lifecycle.logged_in(edgent, now)
    elif status == _INVALID_TOKEN:
        lifecycle.link_failed(edgent, CLOUD_TOKEN, "the server refused the auth token", now)
    else:
        lifecycle.link_failed(edgent, CLOUD_TIMEOUT, "the server refused the login (status %d)" % status, now)


def _internal(edgent, args, msg_id, now):
    # INTERNAL from the server: "dbg" lines go to the device, "ota" is refused politely.
    if args[0] == "dbg" and len(args) > 1:
        edgent._lifecycle("command", args[1])
    elif args[0] == "ota":
        # CircuitPython cannot flash itself over the air; say so rather than crash.
        edgent._log("update over the air requested; not supported on CircuitPython, copy new files over USB")
        edgent._write(frame(_RESPONSE, msg_id, _ILLEGAL_COMMAND), now)


def _redirect(edgent, args, now):
    # REDIRECT host[\0port]: log in there instead. The host and port are held to the rules a
    # provisioned cloud is (validate.py); a redirect that breaks them fails the link (702) and
    # the device stays with its own cloud.
    from blynk_edgent import lifecycle
    from blynk_edgent.errors import CLOUD_TIMEOUT
    from blynk_edgent.validate import check_host, check_port, default_port

    try:
        host = check_host(args[0] if args else "")
        # Blynk's C library falls back to port 80 even when it speaks TLS; the port that matches
        # this link's transport is the one that can work.
        text = args[1] if len(args) > 1 else ""
        if text == "":
            port = default_port(edgent.tls)
        elif text.isdigit():
            port = check_port(int(text))
        else:
            raise ValueError("port: expected a whole number from 1 to 65535")
    except ValueError as error:
        lifecycle.link_failed(edgent, CLOUD_TIMEOUT, "invalid redirect: %s" % error, now)
        return
    edgent._cloud = (host, port)
    lifecycle.link_failed(edgent, 0, "redirected to %s:%d" % (host, port), now)


def defer(edgent, command, args, key):
    """Keep a message over the rate limit for the next second: the newest per ``key`` wins."""
    if edgent._pending is None:
        edgent._pending = {}
    edgent._pending[key] = (command, args)  # every rate-limited message has one (EVENT_LOG is not limited)


def flush(edgent, now):
    """A new second: send what waited, as many as the limit lets through; the rest waits on."""
    pending = edgent._pending
    edgent._pending = None
    for key in pending:
        command, args = pending[key]
        if edgent._sock is None:
            return
        edgent._send(command, args, key)
    if edgent._pending is None:
        from blynk_edgent.edgent import unload

        unload("cloud")  # nothing waits: a running device need not hold this module
