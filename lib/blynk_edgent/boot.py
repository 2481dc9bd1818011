"""Start-up of an :class:`~blynk_edgent.edgent.Edgent`: settings, the stored configuration, the radio,
and the first state. Used once: ``start()`` drops this module, the settings and the store when it
is done.
"""

from blynk_edgent import __version__, settings
from blynk_edgent.clock import ticks_ms
from blynk_edgent.edgent import unload

_OPTIONS = (
    "board",
    "radio",
    "nvm",
    "tls",
    "vendor_prefix",
    "backoff_ms",
    "log",
    "led",
    "button",
    "screen",
    "power_cycles",
)


def blank(edgent, options):
    """Give ``edgent`` the fields every state reads, as they are before start-up decides anything."""
    edgent.state = "INIT"
    edgent.last_error = 0
    edgent._print = options.get("log") or print
    # Virtual-pin handlers by pin number; the lists of on_connected and on_state_change.
    edgent._handlers = {"connected": [], "state": []}
    edgent._tickers = []
    # The link (None while there is none): its socket, its read buffer (cloud.open_link makes
    # it: the header plus the buff-in the device announces); then config mode, the cloud a
    # REDIRECT moved it to, the AP name once worked out, and messages over the rate limit.
    edgent._sock = edgent._buf = edgent._config_mode = edgent._cloud = edgent._ap_ssid = edgent._pending = None
    # How much the buffer holds, the last message id and the one a reply reuses, and how
    # many messages went out in the rate limit's current second.
    edgent._fill = edgent._id = edgent._reply = edgent._sent = 0
    # When the link last heard, sent and pinged, when that second began, when the radio was
    # last asked whether it is still joined.
    edgent._heard = edgent._told = edgent._pinged = edgent._window = edgent._checked = ticks_ms()


def start(edgent, template_id, template_name, firmware_version, options):
    """Fill in ``edgent`` and put it in its first state (running, or config mode)."""
    blank(edgent, options)
    for name in options:
        if name not in _OPTIONS:
            raise TypeError("Edgent() got an unexpected option %r; it takes %s" % (name, ", ".join(_OPTIONS)))
    from blynk_edgent import profile as profiles

    profile = profiles.load(options.get("board"))
    if profile is not None and getattr(profile, "UNSUPPORTED", None):
        # Before anything touches a driver this board's CircuitPython cannot run.
        raise RuntimeError(profile.UNSUPPORTED)
    edgent.template_id, edgent.template_name, edgent.firmware_version = settings.template(
        template_id, template_name, firmware_version
    )
    tls = options.get("tls")
    edgent.tls = settings.flag("BLYNK_TLS", True) if tls is None else tls
    edgent.vendor_prefix = options.get("vendor_prefix", "Blynk")
    edgent._nvm = options.get("nvm")
    edgent._backoff_first, edgent._backoff_cap = options.get("backoff_ms", (1000, 30000))
    edgent._attempts = 0
    edgent._next_try = edgent._since = ticks_ms()
    edgent._trial = False
    edgent._hotspot_reported = False

    cycles = options.get("power_cycles")
    erased = False
    if cycles:
        from blynk_edgent import powercycle

        erased = powercycle.start(edgent, cycles)
    # Imported only now: the store and its rules are the biggest part of start-up, and a board
    # refused above (a SAMD21 with 32 KB of RAM) must get its message before they load.
    from blynk_edgent.store import ConfigStore

    config = ConfigStore(edgent._nvm).load()
    edgent.stored_provisioned = config.provisioned
    edgent.from_settings = False
    if not config.provisioned and not erased:  # the user asked for config mode by power-cycling
        fixed = settings.fixed_config(edgent.tls)
        if fixed is not None:
            fixed.last_error = config.last_error
            config = fixed
            edgent.from_settings = True
    edgent.config = config
    edgent.last_error = config.last_error

    profiles.setup(edgent, profile, options)
    radio = edgent.radio
    edgent._log(
        "blynk_edgent %s, template %s (%s), firmware %s, board %s, radio %s"
        % (
            __version__,
            edgent.template_name,
            edgent.template_id,
            edgent.firmware_version,
            getattr(profile, "NAME", "without a profile"),
            radio.name,
        )
    )

    from blynk_edgent import lifecycle  # the first state is lifecycle's either way

    if config.provisioned:
        edgent._log(
            "configuration: network %r, cloud %s:%d%s"
            % (config.ssid, config.host, config.port, " (from settings.toml)" if edgent.from_settings else "")
        )
        lifecycle.set_state(edgent, lifecycle.CONNECTING_NET)
    else:
        lifecycle.enter_config_mode(edgent, "no configuration stored")
    unload(*lifecycle.TRANSIENT)
