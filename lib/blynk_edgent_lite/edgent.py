# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's device: the same user API as ``blynk_edgent.Edgent`` where it can
(``on_virtual_write``, ``virtual_write``, ``on_connected``, ``poll``/``run``, ``state``,
``last_error``), on a board whose NINA module keeps the configuration in its own flash.

Config mode and running mode never share the heap: a start without a configuration loads
:mod:`~blynk_edgent_lite.configmode` and never the cloud link; ``/config`` stores the
configuration and resets the board, which then starts :mod:`~blynk_edgent_lite.running` and never
loads the portal. ``/reset``, a refused token (703) or the reset button held 10 s erase it and
reset the board into config mode.
"""

from micropython import const
from supervisor import ticks_ms

from blynk_edgent_lite import FILES, LINK_BUFFER, forget
from blynk_edgent_lite.nina import elapsed

_HOLD_MS = const(10000)  # the reset button held this long erases the configuration
_HELD_SHOWN_MS = const(3000)  # held this long, the status LED says the hold is counted
_MEMORY_ERRORS_MAX = const(5)  # in one state: the heap is past helping, the board resets


class Edgent:
    """Blynk.Edgent on a SAMD21 board with a NINA module (Arduino Nano 33 IoT); ``button`` is a
    pin with a button to ground (held 10 s: set up again), ``led`` the pin of an LED lit when high
    (the status LED), ``log`` takes a line of text."""

    def __init__(self, template_id, template_name, firmware_version="0.1.0", button=None, led=None, log=print):
        self.log = log
        self.state = "INIT"
        self.last_error = 0
        self.template = None  # (template id, template name, firmware version) as bytes, once started
        # once started: the board's name, the NINA module's driver, its reset pin (held), its
        # MAC, the button's pin, the status LED's pin and whether it is lit
        self.board = None
        self.nina = None
        self.nina_reset = None
        self.mac = None
        self.button = None
        self.led = None
        self._lit = False
        self.handlers = {}  # virtual pin -> the user's function, for running mode
        self.connected_handlers = []
        self._pressed = None
        self._memory_errors = 0
        # config mode or running mode, once started; named now, while the heap is whole: an
        # object's table of fields grows as they are added, and grown last it needed a block of
        # 184 bytes that running mode's heap, its code loaded, did not have
        self._mode = None  # type: ConfigMode | Running | None
        # running mode's link buffer, made before anything loads: the start's modules leave holes
        # that a block this long may not fit (let go at once if config mode opens instead)
        buffer = bytearray(LINK_BUFFER)
        from blynk_edgent_lite.boot import start

        config = start(self, (template_id, template_name, firmware_version), button, led)
        del start  # so that the start's code can leave now
        forget("boot")
        if config is None:
            del buffer
            from blynk_edgent_lite.opening import open_config_mode

            opened = open_config_mode(self)
            del open_config_mode
            forget("opening")
            # config mode's code loads last: it stays, in the lowest holes the opening left
            from blynk_edgent_lite.configmode import ConfigMode

            self._mode = ConfigMode(self, *opened)
        else:
            from blynk_edgent_lite.running import Running

            self._mode = Running(self, config, buffer)

    # -- the user's API ------------------------------------------------------------------------

    def on_virtual_write(self, pin):
        """Decorator: call the function with the value (text) the cloud writes to virtual pin ``pin``
        (a list of them for several)."""

        def register(handler):
            self.handlers[int(pin)] = handler
            return handler

        return register

    def on_connected(self, handler):
        """Decorator: call ``handler()`` each time the device has logged in to the cloud."""
        self.connected_handlers.append(handler)
        return handler

    def virtual_write(self, pin, value):
        """Send ``value`` to virtual pin ``pin`` (dropped unless RUNNING)."""
        mode = self._mode
        assert mode is not None  # started (compiled away at -O1 and above)
        mode.virtual_write(pin, value)

    @property
    def connected(self):
        """True while logged in to the cloud."""
        return self.state == "RUNNING"

    def run(self):
        """Poll for ever."""
        while True:
            self.poll()

    def poll(self):
        """One slice of work. An allocation the heap has no block for drops what was under way
        (a request is closed unanswered: the phone asks again; a login is tried again); five
        in one state reset the board, whose heap then starts whole (counted by state, not in a
        row: between two failed logins, the polls that wait succeed)."""
        try:
            self._check_button()
            led = self.led
            if led:
                # Blynk's patterns for a single-colour LED (blynk-edgent-protocol.md 5.1), lit for
                # the first ms of each period: a 1-s breath (lit past half its brightness) while
                # the button is held past 3 s, else by state: a blink 50/500 waiting for the app
                # or the network, 100/100 logging in, a 5-s breath running. An if chain: a table
                # of them took 255 B more of the heap (bench/README.md)
                state = self.state
                pressed = self._pressed
                if pressed is not None and elapsed(pressed) >= _HELD_SHOWN_MS:
                    period = 1000
                else:
                    period = 5000 if state == "RUNNING" else 200 if state == "CONNECTING_CLOUD" else 550
                lit = ticks_ms() % period < (50 if period == 550 else period >> 1)
                if lit != self._lit:
                    self._lit = led.value = lit
            mode = self._mode
            assert mode is not None  # started (compiled away at -O1 and above)
            ending = mode.poll()
            if ending:
                self._end(ending)
        except MemoryError:
            import gc

            gc.collect()
            self._memory_errors += 1
            self.log("[edgent] out of memory; what was under way is dropped")  # no formatting: no allocation
            if self._memory_errors >= _MEMORY_ERRORS_MAX:
                self.reboot()

    def reboot(self):
        """Reset the board."""
        import microcontroller

        microcontroller.reset()

    # -- what the modes share ------------------------------------------------------------------

    def enter(self, state):
        """Go to ``state`` (its name), saying so."""
        self.log("[edgent] state: %s -> %s" % (self.state, state))
        self.state = state
        self._memory_errors = 0

    def _end(self, ending):
        # What a mode asked before the board resets: the configuration to store, b"erase" or
        # b"reboot". The mode is let go first, so that the store's code finds room; the board
        # resets whatever happens (a save that failed leaves it blank: config mode again).
        del self._mode
        forget("configmode", "portal", "running", "blynk")
        try:
            if ending == b"erase":
                self.erase()
            elif ending != b"reboot":
                from blynk_edgent_lite.save import save

                save(self.nina, *ending)
                self.log("[edgent] configuration stored: network %r; resetting" % ending[0])
        except (OSError, MemoryError) as error:
            self.log("[edgent] configuration not stored (%r); resetting" % error)
        finally:
            self.reboot()

    def erase(self):
        """Forget the stored configuration."""
        # no module loads: after running mode, a stale pointer on the stack may keep its code in
        # the heap, and a button held must erase whatever the heap has left
        nina = self.nina
        assert nina is not None  # set by the start (compiled away at -O1 and above)
        for name in FILES:
            nina.delete_file(name)

    # -- the reset button ----------------------------------------------------------------------

    def _check_button(self):
        if self.button is None:
            return
        if self.button.value:  # released (pulled up)
            self._pressed = None
        elif self._pressed is None:
            self._pressed = ticks_ms()
        elif elapsed(self._pressed) >= _HOLD_MS:
            self.log("[edgent] reset button held 10 s: configuration erased")
            self._end(b"erase")
