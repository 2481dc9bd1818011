# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The portal's routes: the Blynk app's HTTP API (protocol doc section 3), the page for browsers,
and, as a captive portal, the answers to phones' probes.

Paths, parameter names, JSON keys and status codes are Blynk's; what is added (the attempt as it
runs, ``last_error`` in words) comes after Blynk's keys and renames nothing.
"""

import json

JSON = "application/json"
PAGE_FILE = "portal.html"

# Phones and laptops probe these to find out whether a network needs a sign-in page. Anything
# but the expected answer makes them open one; as a captive portal, a redirect opens ours.
_PROBES = ("/generate_204", "/gen_204", "/hotspot-detect.html", "/connecttest.txt", "/ncsi.txt", "/success.txt",
           "/canonical.html", "/library/test/success.html", "/redirect")  # fmt: skip


def _mac(raw):
    return ":".join(["%02X" % byte for byte in raw])


def _error(reply, status, message):
    reply.send(status, JSON, json.dumps({"status": "error", "msg": message}))


def _invalid(reply, reason):
    # Blynk's firmware answers an invalid configuration with exactly this (HTTP 500); the reason,
    # naming the parameter and its rule, is added beside it.
    reply.send(500, JSON, json.dumps({"status": "error", "msg": "Configuration invalid", "reason": reason}))


def _busy(reply):
    _error(reply, 503, "busy trying the last configuration; ask /board_info.json")


def _too_many(mode, reply, seconds):
    # The device's flash is spared: a change it would store waits (RFC 6585's status).
    text = "too many changes: the device stores at most %d a minute; try again in %d s"
    _error(reply, 429, text % (mode.writes_per_minute, seconds))


def foreign(mode, request):
    """Why a request that would change the device does not come from a page of the device (or
    an app) on its access point, or None. A page of another site (DNS rebinding, a form or a
    script sending to 192.168.4.1) names another Host, Origin or Referer, or its browser says the
    site is not this one (Sec-Fetch-Site, sent by browsers to secure origins only)."""
    headers = request.headers
    for name, title in (("host", "Host"), ("origin", "Origin"), ("referer", "Referer")):
        value = headers.get(name)
        if value is None:  # an app or a tool that does not say; a browser always sends Host
            continue
        bare = value.lower()
        if name != "host":
            if not bare.startswith("http://"):
                return "%s %s is not this device" % (title, value[:64])
            bare = bare[7:].split("/")[0]
        if bare.endswith(":80"):
            bare = bare[:-3]
        if bare not in mode.names:
            return "%s %s is not this device" % (title, value[:64])
    if headers.get("sec-fetch-site", "none") not in ("same-origin", "none"):
        return "a page of another site sent it"
    return None


def handle(mode, request, reply):
    """Answer one request for config mode ``mode``."""
    path = request.path
    if path in ("/config", "/reset", "/reboot"):
        reason = foreign(mode, request)
        if reason is not None:
            reply.send(403, JSON, json.dumps({"status": "error", "msg": "Forbidden", "reason": reason}))
            return
    if path == "/board_info.json":
        mode.configuring()
        reply.send(200, JSON, board_info(mode))
    elif path == "/wifi_scan.json":
        reply.send(200, JSON, wifi_scan(mode))
    elif path == "/config":
        configure(mode, request, reply)
    elif path in ("/reset", "/reboot") and not mode.accepting():
        _busy(reply)
    elif path == "/reset":
        wait = mode.write_wait()
        if wait:
            _too_many(mode, reply, wait)
            return
        reply.send(200, JSON, '{"status":"ok","msg":"Configuration reset"}')
        mode.reset()
    elif path == "/reboot":
        mode.reboot_now()  # as Blynk's firmware: no answer, the connection just ends
    elif path in ("/", "/index.html"):
        page(reply)
    elif path == "/favicon.ico":
        reply.send(204, "image/x-icon", b"")
    elif not mode.captive:  # as Blynk's firmware: probes and other paths are not ours
        _error(reply, 404, "not found: " + path[:64])
    elif path in _PROBES:
        location = "http://%s/" % mode.device.radio.ap_ip
        reply.send(302, "text/html", '<a href="%s">Set up this device</a>' % location, "Location: %s\r\n" % location)
    else:  # Blynk's captive portal answers every other path with its page
        page(reply)


def device_uid():
    """A stable id for ``uid`` in the shape of Blynk's (a UUID, random there and kept in flash):
    here the CRC-32 of the processor's unique id (or nothing), chained to 16 bytes, so that it
    survives an erase and costs no flash."""
    from blynk_edgent.crc import crc32

    try:
        import microcontroller

        seed = bytes(microcontroller.cpu.uid)
    except (ImportError, AttributeError, NotImplementedError):
        seed = b""
    raw = bytearray()
    value = 0
    for _ in range(4):
        value = crc32(seed, value)
        raw.extend(value.to_bytes(4, "big"))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4 and the variant bits, as Blynk's
    raw[8] = raw[8] & 0x3F | 0x80
    text = "".join(["%02x" % byte for byte in raw])
    return "%s-%s-%s-%s-%s" % (text[:8], text[8:12], text[12:16], text[16:20], text[20:])


def board_info(mode):
    """Return ``/board_info.json``: the classic firmware's keys in its order, then the newer
    firmware's (Blynk.Inject: ``vendor``, ``name``, ``uid``, ``ifs``), then the attempt as it runs."""
    device = mode.device
    radio = device.radio
    code = device.last_error
    problem = remedy = ""
    if code:  # the words are loaded only when there is something to say
        from blynk_edgent import messages

        problem, remedy = messages.describe(code), messages.remedy(code)
    mac = _mac(radio.mac)
    info = (
        '{"board":%s,"tmpl_id":%s,"fw_type":%s,"fw_ver":%s,"ssid":%s,"bssid":"%s","mac":"%s",'
        '"last_error":%d,"wifi_scan":true,"static_ip":true,"vendor":%s,"name":%s,"uid":"%s",'
        '"ifs":[{"name":"wifi","mac":"%s","scan":1,"5ghz":0,"static_ip":1}],"state":%s,"last_error_msg":%s,'
        '"last_error_hint":%s,"attempt":%s,"tls":%s}'
        % (
            json.dumps(device.template_name),
            json.dumps(device.template_id),
            json.dumps(device.template_id),
            json.dumps(device.firmware_version),
            json.dumps(mode.ssid),
            _mac(radio.ap_mac),
            mac,
            code,
            json.dumps(device.vendor),
            json.dumps(mode.ssid),
            device_uid(),
            mac,
            json.dumps(device.state),
            json.dumps(problem),
            json.dumps(remedy),
            json.dumps(mode.attempt),
            "true" if device.tls else "false",  # the page asks for the port of this transport
        )
    )
    return info


def wifi_scan(mode):
    """Return ``/wifi_scan.json``: the networks, strongest first, laid out as Blynk's firmware does."""
    entries = []
    for ssid, bssid, rssi, channel, security in mode.scan_results:
        entries.append(
            '  {"ssid":%s,"bssid":"%s","rssi":%d,"sec":"%s","ch":%d}'
            % (json.dumps(ssid), _mac(bssid), rssi, security, channel)
        )
    return "[\n" + ",\n".join(entries) + "\n]" if entries else "[]"


def page(reply):
    """The page for browsers, streamed from the file next to this module."""
    path = __file__.rsplit("/", 1)[0] + "/" + PAGE_FILE if "/" in __file__ else PAGE_FILE
    reply.send_file(path, "text/html; charset=utf-8")


def _flag(params, name):
    # Blynk: "1" or "true" in any case (newer firmware), any whole number but 0 (classic, toInt()).
    value = params.get(name, "").strip()
    if value.lower() == "true":
        return True
    if value[:1] in "+-":
        value = value[1:]
    digits = ""
    for char in value:  # toInt() reads the leading digits and ignores the rest
        if not "0" <= char <= "9":
            break
        digits += char
    return bool(digits) and int(digits) != 0


def _port(params, name, default):
    value = params.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or len(value) > 5:
        raise ValueError(name + ": expected a whole number from 1 to 65535")
    return int(value)


def parse_config(params, tls, wep=False):
    """Return ``(Config, save_first)`` from ``/config`` parameters; ValueError names the parameter.
    ``wep``: the radio can join with a 5-character WEP key."""
    from blynk_edgent.config import DEFAULT_HOST, Config
    from blynk_edgent.validate import default_port, validate

    interface = params.get("if", "wifi")
    if interface not in ("", "wifi"):
        raise ValueError("if: this device connects over wifi only")
    ssid = params.get("ssidManual") or params.get("ssid", "")
    if not ssid:
        raise ValueError("ssid: the network name is required")
    static = None
    if params.get("ip"):
        if not params.get("mask"):
            raise ValueError("mask: required with a static ip")
        static = (params["ip"], params["mask"], params.get("gw", ""), params.get("dns", ""), params.get("dns2", ""))
    if len(params.get("pass", "")) == 5 and not wep:
        raise ValueError("pass: this board's WiFi cannot use a 5-character WEP key (CircuitPython takes 8 to 63)")
    port_name = "port_ssl" if tls else "port"
    names = {"password": "pass", "token": "blynk", "port": port_name}  # as the phone sent them
    config = Config(
        ssid=ssid,
        password=params.get("pass", ""),
        token=params.get("blynk", ""),
        host=params.get("host") or DEFAULT_HOST,
        port=_port(params, port_name, default_port(tls)),
        static=static,
        provisioned=True,  # validated as a configuration that must work
    )
    validate(config, names)
    config.provisioned = False
    return config, _flag(params, "save")


def configure(mode, request, reply):
    """``/config``: validate everything, answer, then try it (or store it first with ``save=1``)."""
    from blynk_edgent.urlcodec import parse_query

    try:
        params = parse_query(request.query)
        for name, value in parse_query(request.body).items():
            params.setdefault(name, value)  # the query's first, as Blynk's web server reads them
    except ValueError as error:
        _error(reply, 400, str(error))
        return
    try:
        config, save_first = parse_config(params, mode.device.tls, mode.device.radio.wep)
    except ValueError as error:
        _invalid(reply, str(error))
        return
    if not mode.accepting():
        _busy(reply)
        return
    wait = mode.write_wait()
    if wait:
        _too_many(mode, reply, wait)
        return
    message = "Configuration saved" if save_first else "Trying to connect..."
    reply.send(200, JSON, '{"status":"ok","msg":"%s"}' % message)
    mode.submit(config, save_first)
