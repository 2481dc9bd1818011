"""A power-fail-safe configuration store on ``microcontroller.nvm``.

CircuitPython's NVM is not atomic: on SAMD51 and ESP32 every assignment rewrites the whole
8 KB block, and a new ESP32 NVM holds whatever the heap held. So each configuration is kept as
a self-checking record, and, where the NVM holds two of them, in two slots used in turn.

Record (little-endian)::

    0   4  magic  b"bEdg"
    4   1  schema version (1); fields are tagged, so a later schema adds tags and still
           reads this one, and this one reads a later one's known tags
    5   2  sequence number, wrapping at 65536
    7   2  length n of the fields
    9   n  fields: tag (1 byte), length (1 byte), value; a field at its default is left out
    9+n 4  CRC-32 of bytes 0 .. 9+n

Layouts, chosen by the size of the NVM region:

* **A/B** (512 bytes or more; SAMD51, ESP32-S2/S3, RP2040): a save writes the slot that does
  not hold the newest valid record, in one slice assignment, then reads it back. A load takes
  the valid record with the highest sequence number.
  Guarantee: a save cut short while the record's bytes are written leaves the old
  configuration. A cut while the chip erases a flash block that holds both slots (SAMD51 and
  RP2040 erase the whole NVM block; ESP32 first erases the whole NVS blob) can leave neither,
  and the device then loads "not provisioned" and asks to be set up again. In no case does a
  load return a mixed or corrupted configuration, and it never raises.
* **Single slot** (256 to 511 bytes; SAMD21): the one record is overwritten in place.
  Guarantee: after a cut the device loads the old configuration (the cut came before any
  byte changed), the new one (after the last byte), or "not provisioned"; never a mix.
"""

from blynk_edgent.config import DEFAULT_HOST, DEFAULT_PORT, Config
from blynk_edgent.crc import crc32_bytes
from blynk_edgent.validate import format_ipv4, parse_ipv4, validate

MAGIC = b"bEdg"
SCHEMA = 1
SLOT_SIZE = 256
HEADER_SIZE = 9
CRC_SIZE = 4

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


def encode_record(config, sequence):
    """Return the whole record for ``config`` with the given sequence number."""
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
        if end + CRC_SIZE > len(slot) or end + CRC_SIZE > SLOT_SIZE:
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

    def _newest(self):
        """Return ``(slot_index, sequence, payload, config)`` of the newest valid record, or None."""
        # One slice read: on ESP32 every NVM access copies the whole 8 KB blob.
        raw = self._nvm[self._offset : self._offset + self.slots * SLOT_SIZE]
        best = None
        for index in range(self.slots):
            found = decode_record(raw[index * SLOT_SIZE : (index + 1) * SLOT_SIZE])
            if found is not None and (best is None or is_newer(found[0], best[1])):
                best = (index, found[0], found[1], found[2])
        return best

    def load(self):
        """Return the stored configuration, or a blank (not provisioned) one. Never raises."""
        newest = self._newest()
        return Config() if newest is None else newest[3]

    def save(self, config):
        """Store ``config``; return True if NVM was written, False if it already held it.

        Raises ValueError naming the field and its rule if any field is invalid, and then
        writes nothing. Raises StoreError if flash does not read back what was written.
        """
        validate(config)
        newest = self._newest()
        sequence = 1
        target = 0
        if newest is not None:
            if newest[2] == encode_fields(config):
                return False  # flash wear: an equal record is not written again
            sequence = (newest[1] + 1) & 0xFFFF
            target = (newest[0] + 1) % self.slots
        record = encode_record(config, sequence)
        image = record + b"\xff" * (SLOT_SIZE - len(record))
        start = self._offset + target * SLOT_SIZE
        self._nvm[start : start + SLOT_SIZE] = image
        if bytes(self._nvm[start : start + SLOT_SIZE]) != image:
            raise StoreError("blynk_edgent: NVM did not read back the configuration just written")
        return True

    def erase(self, last_error=0):
        """Forget the network and the token (as a long button press does); keep ``last_error``."""
        return self.save(Config(last_error=last_error))
