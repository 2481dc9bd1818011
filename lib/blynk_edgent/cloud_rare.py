"""The cloud link's rare moments, loaded only when one comes: the answer to the login, INTERNAL
commands (``dbg`` console lines, ``ota``), REDIRECT, DEBUG_PRINT, and the refusal of hardware
commands the device does not have. Kept out of :mod:`blynk_edgent.cloud` so a running device
does not hold them in RAM.
"""

from blynk_edgent import protocol as p
from blynk_edgent.cloud import CLOUD_TIMEOUT, CLOUD_TOKEN, CONNECTED, LOGGING_IN, CloudError


def handle(link, command, msg_id, args, now):
    """Answer a frame the hot path of ``link`` does not (``args`` is the status for a RESPONSE)."""
    if command == p.RESPONSE:
        if link.state == LOGGING_IN and msg_id == 1:
            login_answer(link, args, now)
    elif command == p.REDIRECT:
        redirect(link, args)
    elif command in (p.HARDWARE, p.BRIDGE):
        # dw, dr, aw, ar, pm, or a malformed vw: Blynk's answer is ILLEGAL_COMMAND, same id.
        link._write(p.response(msg_id, p.STATUS_ILLEGAL_COMMAND), now)
    elif command == p.INTERNAL:
        link._reply_id = msg_id
        try:
            internal(link, args, msg_id, now)
        finally:
            link._reply_id = 0
    elif command == p.DEBUG_PRINT:
        link.log("server says: %s" % (args[0] if args else ""))


def login_answer(link, status, now):
    """The server's answer to HW_LOGIN: logged in, refused token (703), or another refusal."""
    if status in (p.STATUS_OK, p.STATUS_ALREADY_REGISTERED):
        link.state = CONNECTED
        link._window = now
        link._sent_in_window = 0
        link._send(p.INTERNAL, link.info, now, limited=False)
    elif status == p.STATUS_INVALID_TOKEN:
        link._fail(CLOUD_TOKEN, "the server refused the auth token")
    else:
        link._fail(CLOUD_TIMEOUT, "the server refused the login (status %d)" % status)


def internal(link, args, msg_id, now):
    """INTERNAL from the server: ``dbg`` lines go to the device, ``ota`` is refused politely."""
    tag = args[0] if args else ""
    if tag == "dbg" and len(args) > 1:
        if link.on_command:
            link.on_command(args[1])
    elif tag == "ota":
        # CircuitPython cannot flash itself over the air; say so rather than crash.
        link.log("update over the air requested; not supported on CircuitPython, copy new files over USB")
        link._write(p.response(msg_id, p.STATUS_ILLEGAL_COMMAND), now)


def redirect(link, args):
    """REDIRECT ``host[\\0port]``: log in there instead (raises CloudError 0 after moving the link).

    The host and port are held to the rules a provisioned cloud is (validate.py); a redirect
    that breaks them fails the link (702) and the device stays with its own cloud.
    """
    from blynk_edgent.config import DEFAULT_PORT, PLAIN_PORT
    from blynk_edgent.validate import check_host, check_port

    try:
        host = check_host(args[0] if args else "")
        # Blynk's C library falls back to port 80 even when it speaks TLS; the port that matches
        # this link's transport is the one that can work.
        text = args[1] if len(args) > 1 else ""
        if text == "":
            port = DEFAULT_PORT if link.tls else PLAIN_PORT
        elif isinstance(text, str) and text.isdigit():
            port = check_port(int(text))
        else:
            raise ValueError("port: expected a whole number from 1 to 65535")
    except ValueError as error:
        link._fail(CLOUD_TIMEOUT, "invalid redirect: %s" % error)
    link.log("redirected to %s:%d" % (host, port))
    link.host = host
    link.port = port
    link.close()
    raise CloudError(0, "redirected to %s:%d" % (host, port))
