"""Getting connected and recovering: every state but RUNNING, and the ways out of RUNNING.

CONNECTING_NET joins the network, CONNECTING_CLOUD opens the link and logs in, with capped
exponential backoff and jitter between attempts; a lost network or cloud goes back a step; an
invalid token (status 9) enters config mode; ERROR reboots after 10 s unless the reset button
is held. Imported by :class:`~blynk_edgent.edgent.Edgent` when it leaves RUNNING and dropped when
it gets back, so a running device does not keep it in RAM.
"""

from blynk_edgent.clock import ticks_add, ticks_diff, ticks_ms
from blynk_edgent.edgent import RUNNING, TIMEOUT_MS, unload
from blynk_edgent.errors import CLOUD_TIMEOUT, CLOUD_TOKEN

# cloud.py is imported only where the link is opened or reported on: config mode and joining a
# network, which hold this module, need not hold that one too (about 3.7 KB, make bench).

# Blynk.Edgent's states (protocol doc section 1.1) besides RUNNING, which is edgent.py's.
WAIT_CONFIG = "WAIT_CONFIG"
CONFIGURING = "CONFIGURING"
SWITCH_TO_STA = "SWITCH_TO_STA"
CONNECTING_NET = "CONNECTING_NET"
CONNECTING_CLOUD = "CONNECTING_CLOUD"
RESET_CONFIG = "RESET_CONFIG"
ERROR = "ERROR"

JOIN_TIMEOUT_S = 15
CLOUD_TIMEOUT_S = 10
ERROR_REBOOT_MS = 10000

# Used for a moment (start-up, a save, a name, a message) and forgotten after.
TRANSIENT = ("boot", "settings", "store", "validate", "errors", "crc", "apname", "messages", "profile", "powercycle")


def set_state(edgent, state):
    """Enter ``state``: log it and tell the ``on_state_change`` handlers."""
    old = edgent.state
    if state != old:
        edgent.state = state
        edgent._since = ticks_ms()
        edgent._log("state: %s -> %s" % (old, state))
        for handler in edgent._handlers["state"]:
            edgent._call(handler, (old, state), "on_state_change")


def step(edgent, now):
    """Do one slice of work in the current state (any state but RUNNING)."""
    state = edgent.state
    if state == CONNECTING_NET:
        connect_net(edgent, now)
    elif state == CONNECTING_CLOUD:
        connect_cloud(edgent, now)
    elif state == SWITCH_TO_STA:
        if ticks_diff(now, edgent._since) >= 1000:
            set_state(edgent, CONNECTING_NET)
    elif state == ERROR:
        if ticks_diff(now, edgent._since) >= ERROR_REBOOT_MS and not getattr(edgent, "button_held_ms", 0):
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


def set_last_error(edgent, code, reason):
    """Set ``last_error`` and log it, with its words, whenever it changes (0: cleared).

    The one place it changes after start-up, so the serial log (and the simulator's panel, which
    reads it) always knows the current code.
    """
    if code or edgent.last_error:
        edgent.last_error = code
        edgent._log("last_error %d: %s (%s)" % (code, words(code) if code else "cleared", reason))


def fail(edgent, code, reason, now):
    """An attempt failed with ``last_error`` ``code``: end a test-join, enter config mode for a
    refused token (703, stored so the phone can read why), or retry later."""
    set_last_error(edgent, code, reason)
    if edgent._trial:
        edgent._trial = False
        mode = edgent._config_mode
        if mode is not None:
            mode.trial_failed(code)
    elif code == CLOUD_TOKEN:
        store(edgent, "save", CLOUD_TOKEN)
        enter_config_mode(edgent, "the cloud refused the auth token")
    else:
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
    set_state(edgent, CONNECTING_CLOUD)


def connect_cloud(edgent, now):
    """CONNECTING_CLOUD: open the link and log in, without blocking while the answer is awaited."""
    radio = edgent.radio
    if not radio.connected:
        set_state(edgent, CONNECTING_NET)
        return
    if edgent._sock is None:
        if ticks_diff(now, edgent._next_try) < 0:
            return
        from blynk_edgent import cloud

        host, port = cloud.address(edgent)
        edgent._log("connecting to %s:%d (%s)" % (host, port, "TLS" if edgent.tls else "plain TCP"))
        try:
            cloud.open_link(edgent, radio.pool, radio.ssl_context() if edgent.tls else None, now, CLOUD_TIMEOUT_S)
        except cloud.CloudError as error:
            link_failed(edgent, error.code, str(error), ticks_ms())
            return
    edgent._receive(now)
    logging_in = edgent._sock is not None and edgent.state == CONNECTING_CLOUD
    if logging_in and ticks_diff(now, edgent._opened) > TIMEOUT_MS:
        link_failed(edgent, CLOUD_TIMEOUT, "no answer to the login", now)


def link_failed(edgent, code, reason, now):
    """The link failed with ``last_error`` ``code``, or a REDIRECT moved it (code 0): close it and
    go back a step from RUNNING; while logging in, a redirect tries again at once, a refused token
    enters config mode, anything else waits for the next attempt."""
    close_link(edgent)
    if edgent.state == RUNNING:
        edgent._log("cloud link lost: %s" % reason)
        if code:
            set_last_error(edgent, code, reason)
            backoff(edgent, now)
        else:
            edgent._next_try = now
        set_state(edgent, CONNECTING_CLOUD if edgent.radio.connected else CONNECTING_NET)
    elif code == 0:
        edgent._log(reason)
        edgent._next_try = now
    else:
        fail(edgent, code, reason, now)


def logged_in(edgent, now):
    """Logged in: report the hotspot name once per boot, and run (or commit a test-join)."""
    from blynk_edgent import cloud
    from blynk_edgent.edgent import frame

    edgent._attempts = 0
    edgent._window = now
    edgent._sent = 0
    edgent._log("logged in to %s:%d as %s..." % (cloud.address(edgent) + (edgent.config.token[:4],)))
    if not edgent._hotspot_reported:
        # Blynk's app names a new device after the hotspot it provisioned.
        edgent._write(frame(17, edgent._next_id(), ("meta", "set", "Hotspot Name", ap_ssid(edgent))), now)
        if edgent._sock is None:  # the send failed: link_failed has taken it from here
            return
        edgent._hotspot_reported = True
    mode = edgent._config_mode
    if edgent.last_error:
        set_last_error(edgent, 0, "logged in")
        if mode is None:
            store(edgent, "save", 0)
    set_state(edgent, RUNNING)
    if mode is not None:
        edgent._trial = False
        mode.trial_succeeded()
        return
    for handler in edgent._handlers["connected"]:
        edgent._call(handler, (), "on_connected")
    unload("lifecycle", "cloud")  # running from here on; they come back when the link is lost


def lost(edgent, why, detail, now):
    """The link reported a failure: the network is gone (``why`` is ``"network"``, from RUNNING) or
    the cloud link broke (a word of cloud.LOST: while RUNNING or while logging in)."""
    if why != "network":
        from blynk_edgent import cloud

        link_failed(edgent, CLOUD_TIMEOUT, cloud.reason(why, detail), now)
        return
    edgent._log("network %r lost" % edgent.config.ssid)
    close_link(edgent)
    backoff(edgent, now)
    set_state(edgent, CONNECTING_CLOUD if edgent.radio.connected else CONNECTING_NET)


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

    set_state(edgent, RESET_CONFIG)
    store(edgent, "erase", 0)
    edgent.config = Config()
    set_last_error(edgent, 0, "configuration erased")


def close_link(edgent):
    """Drop the cloud link's connection, if any, and what waited to be sent on it."""
    sock = edgent._sock
    edgent._sock = edgent._pending = None
    edgent._fill = 0
    if sock is not None:
        try:
            sock.close()
        except OSError:
            pass


def leave(edgent):
    """Close the cloud link and leave the network."""
    close_link(edgent)
    edgent._cloud = None  # a redirect holds until the configuration changes
    edgent._buf = None  # 1 KB that config mode can use
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
            # The configuration in RAM, unless NVM is what holds the device's own (a fixed one
            # from settings.toml is never stored, nor one not yet provisioned).
            config = edgent.config
            if not config.provisioned or edgent.from_settings:
                config = nvm.load()
            config.last_error = last_error
            nvm.save(config)
            edgent.stored_provisioned = config.provisioned
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

    mode = edgent._config_mode
    if mode is None:
        mode = edgent._config_mode = ConfigMode(edgent)
    if mode.start():
        set_state(edgent, WAIT_CONFIG)
