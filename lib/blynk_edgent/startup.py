# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Start-up (protocol doc section 1.3): what a device finds when it powers on: its template and
firmware version, the board and its parts (radio, reset button, status LED, screen), the stored
configuration (or a fixed one in settings.toml), and the name of its access point.

Used once, by :class:`~blynk_edgent.edgent.Edgent`, which keeps what :class:`Start` found; this
module, the settings, the board profile and the store are dropped after (:mod:`blynk_edgent.memory`).
"""

from blynk_edgent import profile, settings


class Start:
    """What start-up found; the arguments are the Edgent's (see its docstring)."""

    def __init__(
        self, template_id, template_name, firmware_version, board, radio, nvm, tls, vendor_prefix,
        led, button, screen, power_cycles, log, now,
    ):  # fmt: skip
        board = profile.load(board)
        self.template_id, self.template_name, self.firmware_version = settings.template(
            template_id, template_name, firmware_version
        )
        self.tls = settings.flag("BLYNK_TLS", True) if tls is None else tls
        settings.ap_password()  # a bad one is refused now, not when config mode opens
        if nvm is None:
            import microcontroller

            nvm = microcontroller.nvm
        self.nvm = nvm
        self.power_cycles = None  # counting quick power-ons, until the board has stayed on
        if power_cycles:
            from blynk_edgent.powercycle import PowerCycles

            self.power_cycles = PowerCycles(nvm, power_cycles, log, now)
        # Only now: the store and its rules are the biggest part of start-up, and a board refused
        # above (a SAMD21 with 32 KB of RAM) must get its message before they load.
        from blynk_edgent.store import ConfigStore

        config = ConfigStore(nvm).load()
        self.config = config
        self.from_settings = False  # the configuration is settings.toml's, used but never stored
        # Without a stored one, settings.toml's, unless power cycles erased (the user asked for config mode).
        if not config.provisioned and not (self.power_cycles and self.power_cycles.erased):
            self.config = settings.fixed_config(self.tls) or config
            self.from_settings = self.config is not config
            self.config.last_error = config.last_error

        self.radio = radio if radio is not None else profile.radio(board, log)
        if button is True:
            button = profile.reset_button(board)
        self.button = button or None
        self.indicator = profile.status_led(board, self.button) if led else None
        self.screen = profile.screen(board, self.button) if screen else None
        # The access point's name, worked out before the radio serves one (NINA 1.x reports the
        # AP's MAC then); the station's host name is the same.
        from blynk_edgent.apname import ap_ssid, chip_id

        self.ap_ssid = ap_ssid(self.template_name, chip_id(self.radio.mac, self.radio.esp32_chip_id), vendor_prefix)
        from blynk_edgent.version import __version__

        log(
            "blynk_edgent %s, template %s (%s), firmware %s, board %s, radio %s"
            % (__version__, self.template_name, self.template_id, self.firmware_version,
               getattr(board, "NAME", "without a profile"), self.radio.name)
        )  # fmt: skip
