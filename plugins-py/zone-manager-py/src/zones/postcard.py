"""The slice of the postcard wire format zone states use, and the LQST envelope around it.

Hot swap hands the running build's `save-state` bytes to the new build's `restore`, so
every zone-manager build that says state schema 1 writes and reads the same bytes:
`b"LQST"`, u32 schema, u32 payload length, payload, u32 FNV-1a 32 of the payload (all
little-endian). The payload is postcard: unsigned integers as LEB128 varints, signed ones
zigzagged first, f64 as 8 little-endian bytes, bool as one byte 0/1, option as a 0/1 byte
then the value, sequences and strings as a varint length then the items, enums as a
varint discriminant, struct fields in order without names.
"""

import struct

from .errors import bad_state

MAGIC = b"LQST"
_HEADER = 12
_CHECKSUM = 4


def fnv1a32(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def seal(schema, payload):
    """The envelope around `payload`."""
    return (MAGIC + struct.pack("<II", schema, len(payload)) + bytes(payload)
            + struct.pack("<I", fnv1a32(payload)))


def open_envelope(data, min_schema, max_schema):
    """(schema, payload) after checking magic, schema range, length and checksum."""
    if len(data) < _HEADER + _CHECKSUM:
        raise bad_state(f"state is {len(data)} bytes, shorter than the {_HEADER + _CHECKSUM}-byte envelope")
    if data[:4] != MAGIC:
        raise bad_state("state does not start with the LQST magic")
    schema, length = struct.unpack_from("<II", data, 4)
    if not min_schema <= schema <= max_schema:
        raise bad_state(f"state schema {schema} is outside the accepted range {min_schema}..={max_schema}")
    if length + _HEADER + _CHECKSUM != len(data):
        raise bad_state(
            f"state length mismatch: header announces a {length}-byte payload, envelope is {len(data)} bytes"
        )
    payload = bytes(data[_HEADER:_HEADER + length])
    (stored,) = struct.unpack_from("<I", data, _HEADER + length)
    computed = fnv1a32(payload)
    if stored != computed:
        raise bad_state(f"state checksum mismatch (stored {stored:08x}, computed {computed:08x})")
    return schema, payload


class Writer:
    def __init__(self):
        self.out = bytearray()

    def uint(self, n):
        while n >= 0x80:
            self.out.append((n & 0x7F) | 0x80)
            n >>= 7
        self.out.append(n)

    def sint(self, n):
        self.uint(((n << 1) ^ (n >> 63)) & 0xFFFFFFFFFFFFFFFF)

    def f64(self, x):
        self.out += struct.pack("<d", x)

    def flag(self, b):
        self.out.append(1 if b else 0)

    def text(self, s):
        raw = s.encode("utf-8")
        self.uint(len(raw))
        self.out += raw


class Reader:
    """Every malformed byte is `bad-state`, never an exception the adapter did not expect."""

    def __init__(self, data):
        self.data, self.at = data, 0

    def _byte(self):
        if self.at >= len(self.data):
            raise bad_state("state payload does not parse: it ends early")
        b = self.data[self.at]
        self.at += 1
        return b

    def uint(self, bits):
        """A varint of a `bits`-wide unsigned integer (postcard refuses an overlong one)."""
        n, shift = 0, 0
        for _ in range((bits + 6) // 7):
            b = self._byte()
            n |= (b & 0x7F) << shift
            if not b & 0x80:
                if n >> bits:
                    break
                return n
            shift += 7
        raise bad_state(f"state payload does not parse: a varint overflows u{bits}")

    def sint(self):
        z = self.uint(64)
        return (z >> 1) ^ -(z & 1)

    def f64(self):
        if self.at + 8 > len(self.data):
            raise bad_state("state payload does not parse: it ends early")
        (x,) = struct.unpack_from("<d", self.data, self.at)
        self.at += 8
        return x

    def flag(self):
        b = self._byte()
        if b > 1:
            raise bad_state(f"state payload does not parse: {b} is not a bool")
        return b == 1

    def enum(self, variants):
        d = self.uint(32)
        if d >= variants:
            raise bad_state(f"state payload does not parse: enum discriminant {d} out of range")
        return d

    def length(self):
        n = self.uint(64)
        if n > len(self.data) - self.at:
            raise bad_state(f"state payload does not parse: a length of {n} runs past the end")
        return n

    def text(self):
        n = self.length()
        raw = self.data[self.at:self.at + n]
        self.at += n
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise bad_state("state payload does not parse: a string is not UTF-8") from None

    def end(self):
        if self.at != len(self.data):
            raise bad_state(f"state payload has {len(self.data) - self.at} bytes after its end")
