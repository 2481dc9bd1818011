# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The UART link to the Wio Terminal's RTL8720DN: start the chip, check its firmware, and call its
eRPC functions with a deadline (:mod:`blynk_edgent.radio_rtl8720` drives it).

From ../shared/docs/rtl8720-erpc.md sections 1 and 4: ``busio.UART(board.RTL_MOSI,
board.RTL_MISO, baudrate=614400)`` for firmware 2.1.2 and later (1843200 before), no flow
control; ``board.RTL_PWR`` is the chip's enable, pulsed low at least 100 ms, then at least
120 ms before it listens; no handshake: ``rpc_system_ack`` until it echoes, then
``rpc_system_version``. The firmware never answers a frame it cannot take, so every call waits
at most its deadline; events (service 19, oneway) may come before any reply and are kept in
:attr:`RTLLink.events` for whoever cares.
"""

from blynk_edgent.clock import ticks_diff, ticks_ms
from blynk_edgent.erpc import EVENTS, ONEWAY, REPLY, ERPCError, FrameReader, decode_reply, encode_call, message_head


class RTLLink:
    """eRPC calls over ``uart`` (a ``busio.UART``, or the simulator's) to the chip whose enable pin
    is ``power`` (a ``digitalio.DigitalInOut`` switched to output, or None when something else
    powers it)."""

    def __init__(self, uart, power=None, clock=ticks_ms):
        self.events = []  # the firmware's own messages (oneway, service 19), the newest last
        self.version = ""
        self.uart = uart
        self.power = power
        self.ticks = clock
        self._reader = FrameReader()
        self._sequence = 0
        self._out = {}  # sequence -> the call still waiting for its reply
        self._replies = {}  # sequence -> its reply, come while another was awaited
        self._chunk = bytearray(256)

    def start(self):
        """Reset the chip and check its firmware; returns its version text. RuntimeError, naming
        what was found and how to update, for firmware older than 2.1.2 or the AT firmware
        (:mod:`blynk_edgent.rtl8720_start`, loaded for it)."""
        from blynk_edgent.rtl8720_start import start

        self.version = start(self)
        return self.version

    def flush(self):
        """Drop every byte received and not yet read, and every call still out."""
        self.uart.reset_input_buffer()
        self._reader.clear()
        self._out = {}
        self._replies = {}

    def call(self, name, *args, timeout_ms=2000):
        """Invoke ``name`` (a row of :data:`blynk_edgent.erpc.FUNCTIONS`) with ``args`` and return
        its reply's values (out parameters, then the result). ERPCError when no reply comes within
        ``timeout_ms`` or the stream breaks: the caller resets the chip and tries again."""
        pending = self.begin(name, *args, timeout_ms=timeout_ms)
        while True:
            values = self.result(pending)
            if values is not None:
                return values

    def begin(self, name, *args, timeout_ms=2000):
        """Send the call and return at once: a handle for :meth:`result`. The chip has one server
        task, so a call begun while another is still out waits for that one's reply first (kept
        for :meth:`result`)."""
        for pending in list(self._out.values()):
            while not self._arrived(pending):
                pass
        self._sequence = (self._sequence + 1) & 0xFFFFFFFF
        self.uart.write(encode_call(name, self._sequence, *args))
        pending = (self._sequence, name, self.ticks(), timeout_ms)
        self._out[self._sequence] = pending
        return pending

    def result(self, pending):
        """The values of the call ``pending`` once its reply is here, else None (one look).
        ERPCError once its time is up."""
        if not self._arrived(pending):
            return None
        sequence, name = pending[0], pending[1]
        del self._out[sequence]
        return decode_reply(name, self._replies.pop(sequence))

    def _arrived(self, pending):
        # Whether the reply to ``pending`` is in (read what came meanwhile); ERPCError past its deadline.
        sequence, name, start, timeout_ms = pending
        while sequence not in self._replies:
            message = self._next_message()
            if message is None:
                if ticks_diff(self.ticks(), start) >= timeout_ms:
                    self._out.pop(sequence, None)
                    raise ERPCError("no reply to %s within %d ms" % (name, timeout_ms))
                return False
            kind, service, _, got = message_head(message)
            if kind == REPLY and got in self._out:
                self._replies[got] = message
            elif kind == ONEWAY and service == EVENTS:
                self.events = self.events[-7:] + [message]  # the last eight
            # else: a stale reply (an earlier call that timed out) or what is not ours: skipped
        return True

    def _next_message(self):
        # A whole message from what has arrived, or None when nothing whole is there yet.
        message = self._reader.next_message()
        if message is not None:
            return message
        waiting = self.uart.in_waiting
        if not waiting:
            return None
        # No more than is there: busio.UART.readinto waits for a whole buffer otherwise.
        view = memoryview(self._chunk)
        count = self.uart.readinto(view[: min(waiting, len(view))])
        if count:
            self._reader.feed(view[:count])
        return self._reader.next_message()
