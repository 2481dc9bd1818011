"""Getting connected and recovering: every state but RUNNING, and the ways out of RUNNING.

CONNECTING_NET joins the network, CONNECTING_CLOUD opens the link and logs in, with capped
exponential backoff and jitter between attempts; a lost network or cloud goes back a step; an
invalid token (status 9) enters config mode; ERROR reboots after 10 s unless the reset button
is held. Imported by :class:`~blynk_edgent.edgent.Edgent` when it leaves RUNNING and dropped when
it gets back, so a running device does not keep it in RAM.
"""

from blynk_edgent.clock import ticks_add, ticks_diff, ticks_ms
from blynk_edgent.cloud import CLOUD_TIMEOUT, CLOUD_TOKEN, CONNECTED, DISCONNECTED, CloudError, CloudLink
from blynk_edgent.edgent import (
    CONNECTING_CLOUD,
    CONNECTING_NET,
    ERROR,
    RESET_CONFIG,
    RUNNING,
    SWITCH_TO_STA,
    TRANSIENT,
    WAIT_CONFIG,
    unload,
)

JOIN_TIMEOUT_S = 15
CLOUD_TIMEOUT_S = 10
ERROR_REBOOT_MS = 10000
BUILD = "Nov 25 2026 00:00:00"  # Blynk's info message wants a C-style build date

# last_error codes, as in errors.py
_CLOUD_DNS = 710
_CLOUD_TLS = 711


def step(edgent, now):
    """Do one slice of work in the current state (any state but RUNNING)."""
    state = edgent.state
    if state == CONNECTING_NET:
        connect_net(edgent, now)
    elif state == CONNECTING_CLOUD:
        connect_cloud(edgent, now)
    elif state == SWITCH_TO_STA:
        if ticks_diff(now, edgent._since) >= 1000:
            edgent._set_state(CONNECTING_NET)
    elif state == ERROR:
        if ticks_diff(now, edgent._since) >= ERROR_REBOOT_MS and not getattr(edgent, "button_held", False):
            edgent.reboot()


def words(code):
    """``last_error`` in words (the strings are loaded only for this)."""
    from blynk_edgent import messages

    text = messages.describe(code)
    unload(*TRANSIENT)
    return text


def backoff(edgent, now):
    """Schedule the next attempt: doubling from the first wait to the longest, with jitter."""
    delay = min(edgent._backoff_cap, edgent._backoff_first << min(edgent._attempts, 10))
    edgent._attempts += 1
    try:
        from random import randint

        delay = delay // 2 + randint(0, delay // 2)
    except ImportError:
        pass
    edgent._next_try = ticks_add(now, delay)
    return delay


def fail(edgent, code, reason, now):
    """An attempt failed with ``last_error`` ``code``: retry later, or end a test-join."""
    edgent.last_error = code
    edgent._log("last_error %d: %s (%s)" % (code, words(code), reason))
    if edgent._trial:
        edgent._trial = False
        portal = edgent._portal
        if portal is not None:
            portal.trial_failed(code)
        return
    edgent._log("retrying in %d ms" % backoff(edgent, now))


def ap_ssid(edgent):
    """The name of this device's access point, ``"Blynk <template>-XXXX"`` (worked out once a boot)."""
    if edgent._ap_ssid is None:
        from blynk_edgent.apname import ap_ssid as name
        from blynk_edgent.apname import chip_id

        radio = edgent.radio
        edgent._ap_ssid = name(edgent.template_name, chip_id(radio.mac, radio.esp32_chip_id), edgent.vendor_prefix)
        unload(*TRANSIENT)
    return edgent._ap_ssid


def connect_net(edgent, now):
    """CONNECTING_NET: join the configured network (blocks inside the radio for at most its timeout)."""
    radio = edgent.radio
    # CircuitPython may have joined already (CIRCUITPY_WIFI_SSID); a configuration on trial
    # is always joined afresh, or a wrong password would pass unnoticed.
    if not edgent._trial and radio.connected and radio.ssid == edgent.config.ssid:
        net_up(edgent, now)
        return
    if ticks_diff(now, edgent._next_try) < 0:
        return
    edgent._log("joining network %r" % edgent.config.ssid)
    hostname = ap_ssid(edgent).replace(" ", "-")  # Blynk's station name: the AP's, dashes for spaces
    code = radio.join(edgent.config, JOIN_TIMEOUT_S, hostname)
    now = ticks_ms()
    if code:
        fail(edgent, code, "could not join %r" % edgent.config.ssid, now)
    else:
        net_up(edgent, now)


def net_up(edgent, now):
    """The network is joined: on to the cloud."""
    radio = edgent.radio
    edgent._log("network %r joined, address %s, signal %s dBm" % (edgent.config.ssid, radio.ip, radio.rssi))
    edgent._attempts = 0
    edgent._next_try = now
    edgent._set_state(CONNECTING_CLOUD)


def _device_name():
    try:
        import os

        return os.uname().machine
    except (ImportError, AttributeError):
        return "CircuitPython"


def new_link(edgent):
    """The cloud link for the current configuration, with the info message Blynk expects."""
    from blynk_edgent import __version__ as version

    info = (
        "mcu", edgent.firmware_version, "fw-type", edgent.template_id, "build", BUILD, "blynk", version,
        "h-beat", 40, "buff-in", 1024, "dev", _device_name(), "ver", version, "fw", edgent.firmware_version,
        "tmpl", edgent.template_id,
    )  # fmt: skip
    config = edgent.config
    return CloudLink(
        config.token,
        config.host,
        config.port,
        info,
        on_write=edgent._cloud_write,
        on_command=edgent._cloud_command,
        log=edgent._log,
        tls=edgent.tls,
    )


def open_link(link, pool, ssl_context, now, timeout_s=CLOUD_TIMEOUT_S):
    """Connect ``link`` (TCP, then TLS unless it is plain) and send the login; blocks at most ``timeout_s``.

    Raises CloudError 710 when the host name does not resolve, 711 when TLS fails, and 702 when
    the server cannot be reached.
    """
    link.close()
    try:
        address = pool.getaddrinfo(link.host, link.port)[0][4]
    except OSError as error:
        raise CloudError(_CLOUD_DNS, "cannot resolve %s: %s" % (link.host, error))
    try:
        sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    except (OSError, RuntimeError) as error:
        # No socket free: NINA answers OSError(23), CircuitPython's pool RuntimeError("Out of sockets").
        raise CloudError(CLOUD_TIMEOUT, "no free socket for %s:%d: %s" % (link.host, link.port, error))
    try:
        sock.settimeout(timeout_s)
        if link.tls:
            sock = ssl_context.wrap_socket(sock, server_hostname=link.host)
        sock.connect(address)
        sock.settimeout(0)
    except OSError as error:
        sock.close()
        # mbedtls reports TLS failures as large negative numbers; the socket, as errno.
        errno = error.args[0] if error.args and isinstance(error.args[0], int) else 0
        if link.tls and (errno < -255 or errno == 0):
            raise CloudError(_CLOUD_TLS, "TLS with %s failed: %s" % (link.host, error))
        raise CloudError(CLOUD_TIMEOUT, "cannot reach %s:%d: %s" % (link.host, link.port, error))
    link.attach(sock, now)


def connect_cloud(edgent, now):
    """CONNECTING_CLOUD: open the link and log in, without blocking while the answer is awaited."""
    radio = edgent.radio
    if not radio.connected:
        edgent._set_state(CONNECTING_NET)
        return
    link = edgent._link
    if link is None:
        link = edgent._link = new_link(edgent)
    try:
        if link.state == DISCONNECTED:
            if ticks_diff(now, edgent._next_try) < 0:
                return
            edgent._log("connecting to %s:%d (%s)" % (link.host, link.port, "TLS" if edgent.tls else "plain TCP"))
            open_link(link, radio.pool, radio.ssl_context() if edgent.tls else None, now)
        link.poll(now)
    except CloudError as error:
        cloud_failed(edgent, error, ticks_ms())
        return
    if link.state == CONNECTED:
        logged_in(edgent, link, now)


def cloud_failed(edgent, error, now):
    """The cloud attempt failed: redirect at once, config mode for a refused token, else retry."""
    if error.code == 0:  # redirected: log in again at once, elsewhere
        edgent._next_try = now
        return
    if error.code == CLOUD_TOKEN and not edgent._trial:
        edgent.last_error = CLOUD_TOKEN
        edgent._log("last_error 703: %s (%s)" % (words(CLOUD_TOKEN), error))
        store(edgent, "save", CLOUD_TOKEN)
        enter_config_mode(edgent, "the cloud refused the auth token")
        return
    fail(edgent, error.code, str(error), now)


def logged_in(edgent, link, now):
    """Logged in: report the hotspot name once per boot, and run (or commit a test-join)."""
    edgent._attempts = 0
    edgent._log("logged in to %s as %s..." % (link.host, edgent.config.token[:4]))
    if not edgent._hotspot_reported:
        # Blynk's app names a new device after the hotspot it provisioned.
        edgent._hotspot_reported = True
        link.send(17, ("meta", "set", "Hotspot Name", ap_ssid(edgent)), now)
    portal = edgent._portal
    if edgent.last_error:
        edgent.last_error = 0
        if portal is None:
            store(edgent, "save", 0)
    edgent._set_state(RUNNING)
    if portal is not None:
        edgent._trial = False
        portal.trial_succeeded()
        return
    for handler in edgent._connected_handlers:
        edgent._call(handler, (), "on_connected")
    unload("lifecycle")  # running from here on; it comes back when the link is lost


def lost(edgent, error, now):
    """RUNNING lost its network (``error`` None) or its cloud link: back a step, after a wait."""
    link = edgent._link
    if error is None:
        edgent._log("network %r lost" % edgent.config.ssid)
        if link is not None:
            link.close()
    else:
        edgent._log("cloud link lost: %s" % error)
        edgent.last_error = error.code or edgent.last_error
    backoff(edgent, now)
    edgent._set_state(CONNECTING_CLOUD if edgent.radio.connected else CONNECTING_NET)


def command(edgent, line):
    """A console command from the cloud (INTERNAL ``dbg``)."""
    edgent._log("command from the cloud: %r" % line)
    if line == "reboot":
        edgent.reboot()
    elif line in ("config", "config start"):
        enter_config_mode(edgent, "asked by the cloud")
    elif line == "config erase":
        reset_config(edgent)


def reset_config(edgent):
    """Forget the network and the token and enter config mode (10 s button hold, ``config erase``)."""
    erase(edgent)
    enter_config_mode(edgent, "configuration erased")


def erase(edgent):
    """Forget the network and the token, in NVM and in RAM (RESET_CONFIG while it runs)."""
    from blynk_edgent.config import Config

    edgent._set_state(RESET_CONFIG)
    store(edgent, "erase", 0)
    edgent.config = Config()
    edgent.last_error = 0


def leave(edgent):
    """Close the cloud link and leave the network."""
    if edgent._link is not None:
        edgent._link.close()
        edgent._link = None
    edgent.radio.leave()


def store(edgent, action, last_error):
    """Save (``"save"``) the configuration with ``last_error``, or ``"erase"`` it; never raises."""
    from blynk_edgent.store import ConfigStore

    try:
        nvm = ConfigStore(edgent._nvm)
        if action == "erase":
            nvm.erase(last_error)
            edgent.stored_provisioned = False
        else:
            stored_config = nvm.load()
            if edgent.config.provisioned and not edgent.from_settings:
                stored_config = edgent.config
            nvm.save(stored_config.replace(last_error=last_error))
            edgent.stored_provisioned = stored_config.provisioned
    except (ValueError, RuntimeError) as error:
        edgent._log("could not store the configuration: %s" % error)
    unload(*TRANSIENT)


def stored(edgent):
    """The configuration NVM holds now (blank when none)."""
    from blynk_edgent.store import ConfigStore

    config = ConfigStore(edgent._nvm).load()
    unload(*TRANSIENT)
    return config


def enter_config_mode(edgent, reason):
    """Open the access point and its portal (WAIT_CONFIG)."""
    edgent._log("config mode: %s" % reason)
    leave(edgent)  # as Blynk's firmware: config mode starts from the access point alone
    from blynk_edgent.configmode import ConfigMode

    portal = edgent._portal
    if portal is None:
        portal = edgent._portal = ConfigMode(edgent)
    if portal.start():
        edgent._set_state(WAIT_CONFIG)
