"""The portal's routes: the Blynk app's HTTP API (protocol doc section 3), the page for browsers,
and the answers to phones' captive-portal probes.

Paths, parameter names, JSON keys and status codes are Blynk's; what is added (the attempt as it
runs, ``last_error`` in words) comes after Blynk's keys and renames nothing.
"""

import json

JSON = "application/json"
PAGE_FILE = "portal.html"

# Phones and laptops probe these to find out whether a network needs a sign-in page. Anything
# but the expected answer makes them open one; a redirect to the portal opens ours.
_PROBES = ("/generate_204", "/gen_204", "/hotspot-detect.html", "/connecttest.txt", "/ncsi.txt", "/success.txt",
           "/canonical.html", "/library/test/success.html", "/redirect")  # fmt: skip


def _mac(raw):
    return ":".join(["%02X" % byte for byte in raw])


def _error(reply, status, message):
    reply.send(status, JSON, json.dumps({"status": "error", "msg": message}))


def _busy(reply):
    _error(reply, 503, "busy trying the last configuration; ask /board_info.json")


def handle(mode, request, reply):
    """Answer one request for config mode ``mode``."""
    path = request.path
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
        reply.send(200, JSON, '{"status":"ok","msg":"Configuration reset"}')
        mode.reset()
    elif path == "/reboot":
        mode.reboot_now()  # as Blynk's firmware: no answer, the connection just ends
    elif path in ("/", "/index.html"):
        page(reply)
    elif path in _PROBES:
        location = "http://%s/" % mode.device.radio.ap_ip
        reply.send(302, "text/html", '<a href="%s">Set up this device</a>' % location, "Location: %s\r\n" % location)
    elif path == "/favicon.ico":
        reply.send(204, "image/x-icon", b"")
    else:
        _error(reply, 404, "not found: " + path[:64])


def board_info(mode):
    """Return ``/board_info.json``: Blynk's keys in Blynk's order, then the attempt as it runs."""
    device = mode.device
    radio = device.radio
    code = device.last_error
    problem = remedy = ""
    if code:  # the words are loaded only when there is something to say
        from blynk_edgent import messages

        problem, remedy = messages.describe(code), messages.remedy(code)
    info = (
        '{"board":%s,"tmpl_id":%s,"fw_type":%s,"fw_ver":%s,"ssid":%s,"bssid":"%s","mac":"%s",'
        '"last_error":%d,"wifi_scan":true,"static_ip":true,"state":%s,"last_error_msg":%s,'
        '"last_error_hint":%s,"attempt":%s,"tls":%s}'
        % (
            json.dumps(device.template_name),
            json.dumps(device.template_id),
            json.dumps(device.template_id),
            json.dumps(device.firmware_version),
            json.dumps(mode.ssid),
            _mac(radio.ap_mac),
            _mac(radio.mac),
            code,
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
    value = params.get(name, "")
    if value in ("", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise ValueError(name + ": expected 1 or 0")


def _port(params, name, default):
    value = params.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or len(value) > 5:
        raise ValueError(name + ": expected a whole number from 1 to 65535")
    return int(value)


def parse_config(params, tls):
    """Return ``(Config, save_first)`` from ``/config`` parameters; ValueError names the parameter."""
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
            if name in params:
                raise ValueError(name + ": given twice")
            params[name] = value
    except ValueError as error:
        _error(reply, 400, str(error))
        return
    try:
        config, save_first = parse_config(params, mode.device.tls)
    except ValueError as error:
        # 500 is what Blynk's firmware answers an invalid configuration with.
        _error(reply, 500, str(error))
        return
    if not mode.accepting():
        _busy(reply)
        return
    message = "Configuration saved" if save_first else "Trying to connect..."
    reply.send(200, JSON, '{"status":"ok","msg":"%s"}' % message)
    mode.submit(config, save_first)
