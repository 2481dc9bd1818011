"""Stand-ins for the config-mode scenario: a radio and the few Edgent fields the portal reads.

Imported before the baseline, so only what config mode itself allocates is counted.
"""


class Radio:
    """What the portal asks of a radio."""

    name = "bench"
    mac = b"\x24\x0a\xc4\x12\x34\x56"
    ap_mac = b"\x24\x0a\xc4\x12\x34\x57"
    esp32_chip_id = True
    ap_ip = "192.168.4.1"
    ap_and_station = True


class Device:
    """What the portal asks of an Edgent."""

    template_name = "Device"
    template_id = "TMPL4abcd123"
    firmware_version = "0.1.0"
    vendor_prefix = "Blynk"
    state = "WAIT_CONFIG"
    last_error = 722
    tls = True
    _ap_ssid = None  # lifecycle.ap_ssid() fills it in

    def __init__(self):
        self.radio = Radio()
        self._handlers = {"connected": [], "state": []}  # lifecycle.set_state tells these

    def _log(self, text):
        pass


class Reply:
    """Keeps what the portal answers."""

    sent = False

    def send(self, status, content_type, body, extra=""):
        self.sent = True
        self.status = status
        self.body = body
