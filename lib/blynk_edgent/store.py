# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A power-fail-safe configuration store on ``microcontroller.nvm``.

CircuitPython's NVM is not atomic, and every write erases first (hardware-truth.md section 11):
SAMD51 erases its whole 8 KB block, RP2040 its 4 KB sector (unless every byte written is still
erased), ESP32 runs ``nvs_erase_all`` before it stores the whole 8 KB blob again; a new ESP32 NVM
reads zeros. So each configuration is kept as a self-checking record, and, where the NVM holds
two of them, as two copies of it.

Record (little-endian)::

    0   4  magic  b"bEdg"
    4   1  schema version (1); fields are tagged, so a later schema adds tags and still
           reads this one, and this one reads a later one's known tags
    5   2  sequence number, wrapping at 65536
    7   2  length n of the fields
    9   n  fields: tag (1 byte), length (1 byte), value; a field at its default is left out
    9+n 4  CRC-32 of bytes 0 .. 9+n

Layouts, chosen by the size of the NVM region:

* **A/B** (512 bytes or more; SAMD51, ESP32-S2/S3, RP2040): slot A (bytes 0-255) and slot B
  (256-508) hold the same record: a save writes both in one assignment, slot A first. A load
  takes the valid record with the highest sequence number. Bytes 509-511 (:data:`COUNTER_AT`)
  belong to no record: they hold the power-cycle count (:mod:`blynk_edgent.powercycle`); a save
  leaves them, :meth:`ConfigStore.erase` clears them.
  Why two equal copies rather than the newest and the one before: any write of the NVM, even
  of the count, rewrites the whole block from its first byte, and a cut leaves the bytes
  before it new and the rest erased. Had slot A kept an older (or an erased) configuration, a
  cut between its end and the end of slot B would load that one again. With the same record in
  both, whatever a cut leaves holds the current configuration, or no valid record.
  Guarantees, for a cut at any byte of a save, an erase or a count (tests/pure/test_store.py,
  tests/test_flash_wear.py):

  - erase-first (every port): the outcome is the new image's, or, while the first record of
    the image is not yet programmed, "not provisioned". No flash write can avoid that window:
    the erase has removed everything before the first byte is programmed. A load never returns
    a configuration older than the last one written, nor one that was erased.
  - written in place (a model of the first write onto erased RP2040 flash, which only
    programs): the old configuration until slot A holds the whole new record, then the new.
    If slot A holds the newest record and slot B does not (only after such a cut), slot B is
    written first, on its own.

  After an erase neither slot holds a secret: both hold the record of a blank configuration.
  (SAMD51 and RP2040 erase the old bytes; ESP32's NVS only marks the old blob erased, and its
  flash keeps the bytes until NVS reuses the page: gone from ``nvm``, not yet from the chip.)
* **Single slot** (256 to 511 bytes; SAMD21): the one record is overwritten in place.
  Guarantee: after a cut the device loads the old configuration (the cut came before any
  byte changed), the new one (after the last byte), or "not provisioned"; never a mix.

In no case does a load return a mixed or corrupted configuration, and it never raises.
"""

from blynk_edgent.config import DEFAULT_HOST, DEFAULT_PORT, Config
from blynk_edgent.crc import crc32_bytes
from blynk_edgent.validate import format_ipv4, parse_ipv4, validate

MAGIC = b"bEdg"
SCHEMA = 1
SLOT_SIZE = 256
HEADER_SIZE = 9
CRC_SIZE = 4
# The power-cycle count's 3 bytes, at the end of slot B (powercycle.AT says the same); a record
# is never longer than what is left before them.
COUNTER_AT = 2 * SLOT_SIZE - 3
RECORD_MAX = COUNTER_AT - SLOT_SIZE

LAYOUT_AB = "A/B"
LAYOUT_SINGLE = "single"

# Field tags. A tag is never reused for another meaning.
TAG_SSID = 1
TAG_PASSWORD = 2
TAG_TOKEN = 3
TAG_HOST = 4
TAG_PORT = 5
TAG_STATIC = 6
TAG_LAST_ERROR = 7
TAG_FLAGS = 8

FLAG_PROVISIONED = 0x01
FLAG_STATIC_IP = 0x02


def _u16(value):
    return bytes((value & 0xFF, (value >> 8) & 0xFF))


def _read_u16(buf, offset):
    return buf[offset] | (buf[offset + 1] << 8)


def _field(out, tag, value):
    out.append(tag)
    out.append(len(value))
    out.extend(value)


def encode_fields(config):
    """Return the tagged fields of a (valid) configuration, defaults left out."""
    out = bytearray()
    if config.ssid:
        _field(out, TAG_SSID, config.ssid.encode("utf-8"))
    if config.password:
        _field(out, TAG_PASSWORD, config.password.encode("utf-8"))
    if config.token:
        _field(out, TAG_TOKEN, config.token.encode("utf-8"))
    if config.host != DEFAULT_HOST:
        _field(out, TAG_HOST, config.host.encode("utf-8"))
    if config.port != DEFAULT_PORT:
        _field(out, TAG_PORT, _u16(config.port))
    flags = 0
    if config.static is not None:
        flags |= FLAG_STATIC_IP
        # One byte saying which addresses are set (bit n for address n), then all five.
        raw = bytearray(1)
        for n, text in enumerate(config.static):
            if text:
                raw[0] |= 1 << n
            raw.extend(parse_ipv4("ip", text) if text else b"\x00\x00\x00\x00")
        _field(out, TAG_STATIC, raw)
    if config.last_error:
        _field(out, TAG_LAST_ERROR, _u16(config.last_error))
    if config.provisioned:
        flags |= FLAG_PROVISIONED
    if flags:
        _field(out, TAG_FLAGS, bytes((flags,)))
    return bytes(out)


def decode_fields(payload):
    """Return the Config that tagged fields describe; raise ValueError if they are malformed."""
    seen = {}
    i = 0
    while i < len(payload):
        if i + 2 > len(payload):
            raise ValueError("record: truncated field header")
        tag = payload[i]
        size = payload[i + 1]
        end = i + 2 + size
        if end > len(payload):
            raise ValueError("record: field runs past the end")
        if tag in seen:
            raise ValueError("record: field %d appears twice" % tag)
        seen[tag] = bytes(payload[i + 2 : end])
        i = end
    config = Config()
    if TAG_SSID in seen:
        config.ssid = seen[TAG_SSID].decode("utf-8")
    if TAG_PASSWORD in seen:
        config.password = seen[TAG_PASSWORD].decode("utf-8")
    if TAG_TOKEN in seen:
        config.token = seen[TAG_TOKEN].decode("utf-8")
    if TAG_HOST in seen:
        config.host = seen[TAG_HOST].decode("utf-8")
    if TAG_PORT in seen:
        config.port = _fixed(seen[TAG_PORT], 2, "port")
    if TAG_LAST_ERROR in seen:
        config.last_error = _fixed(seen[TAG_LAST_ERROR], 2, "last_error")
    flags = _fixed(seen[TAG_FLAGS], 1, "flags") if TAG_FLAGS in seen else 0
    config.provisioned = bool(flags & FLAG_PROVISIONED)
    if flags & FLAG_STATIC_IP:
        raw = seen.get(TAG_STATIC)
        if raw is None or len(raw) != 21:
            raise ValueError("record: static IP flag without its 21 bytes of addresses")
        texts = []
        for n in range(5):
            texts.append(format_ipv4(raw[1 + n * 4 : 5 + n * 4]) if raw[0] & (1 << n) else "")
        config.static = tuple(texts)
    return validate(config)


def _fixed(raw, size, name):
    if len(raw) != size:
        raise ValueError("record: %s has %d bytes, expected %d" % (name, len(raw), size))
    return raw[0] if size == 1 else _read_u16(raw, 0)


def encode_record(config, sequence, payload=None):
    """Return the whole record for ``config`` with the given sequence number."""
    if payload is None:
        payload = encode_fields(config)
    head = MAGIC + bytes((SCHEMA,)) + _u16(sequence) + _u16(len(payload))
    body = head + payload
    return body + crc32_bytes(body)


def decode_record(slot):
    """Return ``(sequence, payload, config)`` for a valid record at the start of ``slot``, else None.

    Never raises: random bytes, an erased slot or a torn write all give None.
    """
    try:
        if len(slot) < HEADER_SIZE + CRC_SIZE or bytes(slot[0:4]) != MAGIC:
            return None
        if slot[4] < 1:
            return None
        length = _read_u16(slot, 7)
        end = HEADER_SIZE + length
        if end + CRC_SIZE > len(slot) or end + CRC_SIZE > RECORD_MAX:
            return None
        body = bytes(slot[0:end])
        if crc32_bytes(body) != bytes(slot[end : end + CRC_SIZE]):
            return None
        payload = body[HEADER_SIZE:]
        return _read_u16(slot, 5), payload, decode_fields(payload)
    except (ValueError, IndexError, KeyError, TypeError):
        return None


def is_newer(sequence, than):
    """True if ``sequence`` follows ``than`` in 16-bit serial-number arithmetic (wrap-around)."""
    gap = (sequence - than) & 0xFFFF
    return 0 < gap < 0x8000


class StoreError(RuntimeError):
    """The configuration cannot be stored on this board, or flash did not keep what was written."""


class ConfigStore:
    """Loads and saves the device's :class:`~blynk_edgent.config.Config` in NVM.

    ``nvm`` defaults to ``microcontroller.nvm``; ``offset`` and ``size`` select a region of it
    (the rest stays yours). A board whose CircuitPython has no NVM gets one StoreError that
    names the board and the reason.
    """

    def __init__(self, nvm=None, offset=0, size=None):
        if nvm is None:
            import microcontroller

            nvm = microcontroller.nvm
        if nvm is None:
            from blynk_edgent.profile import board_id

            raise StoreError(
                "blynk_edgent: %s has no microcontroller.nvm (its CircuitPython build sets "
                "CIRCUITPY_NVM = 0), so the WiFi settings and the Blynk token cannot be stored; "
                "use a board with NVM, or a CircuitPython build that enables it" % (board_id() or "this board")
            )
        region = (len(nvm) - offset) if size is None else size
        if offset < 0 or region < SLOT_SIZE or offset + region > len(nvm):
            from blynk_edgent.profile import board_id

            raise StoreError(
                "blynk_edgent: the configuration needs %d bytes of NVM from offset %d, and %s has %d"
                % (SLOT_SIZE, offset, board_id() or "this board", len(nvm))
            )
        self._nvm = nvm
        self._offset = offset
        self.slots = 2 if region >= 2 * SLOT_SIZE else 1
        self.layout = LAYOUT_AB if self.slots == 2 else LAYOUT_SINGLE

    def _newest(self, raw):
        """Return ``(slot_index, sequence, payload, config)`` of the newest valid record in ``raw``
        (the slots, read in one slice: on ESP32 every NVM access copies the whole 8 KB blob), or None."""
        best = None
        for index in range(self.slots):
            found = decode_record(raw[index * SLOT_SIZE : (index + 1) * SLOT_SIZE])
            if found is not None and (best is None or is_newer(found[0], best[1])):
                best = (index, found[0], found[1], found[2])
        return best

    def _raw(self):
        return self._nvm[self._offset : self._offset + self.slots * SLOT_SIZE]

    def load(self):
        """Return the stored configuration, or a blank (not provisioned) one. Never raises."""
        newest = self._newest(self._raw())
        return Config() if newest is None else newest[3]

    def save(self, config):
        """Store ``config``; return True if NVM was written, False if it already held it.

        Raises ValueError naming the field and its rule if any field is invalid, and then
        writes nothing. Raises StoreError if flash does not read back what was written.
        """
        return self._store(validate(config), COUNTER_AT)

    def erase(self, last_error=0):
        """Forget the network and the token (as a long button press does); keep ``last_error``.

        Both slots are overwritten with a blank configuration's record, in the same write as
        the power-cycle count is cleared: no copy of the password or the token is left.
        """
        return self._store(Config(last_error=last_error), 2 * SLOT_SIZE)

    def _store(self, config, end):
        # Write the record of ``config`` into every slot (the A/B image ends at ``end``).
        raw = self._raw()
        newest = self._newest(raw)
        payload = encode_fields(config)
        sequence = 1
        if newest is not None:
            # An equal record keeps its number, so that an NVM that holds it already is not written.
            sequence = newest[1] if newest[2] == payload else (newest[1] + 1) & 0xFFFF
        record = encode_record(config, sequence, payload)
        if len(record) > RECORD_MAX:
            raise StoreError("blynk_edgent: the configuration's record is longer than a slot")
        image = record + b"\xff" * (SLOT_SIZE - len(record))
        if self.slots == 2:
            image += image[: end - SLOT_SIZE]
        if bytes(raw[: len(image)]) == image:
            return False  # flash wear: what NVM holds already is not written again
        if (
            newest is not None
            and newest[0] == 0
            and self.slots == 2
            and bytes(raw[:RECORD_MAX]) != bytes(raw[SLOT_SIZE : SLOT_SIZE + RECORD_MAX])
        ):
            # Slot A holds the only copy of the newest record (a write was cut): write slot B
            # first, so that a cut in slot A's write still finds a whole record in slot B.
            self._write(SLOT_SIZE, image[SLOT_SIZE:])
            image = image[:SLOT_SIZE]
            if bytes(raw[:SLOT_SIZE]) == image:
                return True
        self._write(0, image)
        return True

    def _write(self, at, data):
        start = self._offset + at
        self._nvm[start : start + len(data)] = data
        if bytes(self._nvm[start : start + len(data)]) != data:
            raise StoreError("blynk_edgent: NVM did not read back the configuration just written")
