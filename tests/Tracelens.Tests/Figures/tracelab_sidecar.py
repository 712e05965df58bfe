#!/usr/bin/env python3
"""Reads PNG sidecar entries the way TraceLab's extractor does, with the standard library only.

TraceLab's `artifacts/utils/png_sidecar.py` opens the PNG with Pillow and keeps the `sidecar:`
keys of `img.text`. This mirrors the parts of Pillow's PngImagePlugin that fill `img.text`
(tracelab-spec §8), so the tests can check Tracelens's PNGs without Pillow:

* the 8-byte signature, then chunks; every chunk's CRC is verified (Pillow raises on a mismatch);
* tEXt: keyword NUL text, both Latin-1;
* zTXt: keyword NUL method(0) zlib-data, inflated to at most 1 MiB (Pillow's MAX_TEXT_CHUNK,
  larger raises "Decompressed Data Too Large"), text Latin-1;
* iTXt: keyword NUL flag method language NUL translated NUL text; flag 1 with method 0 inflates
  (same limit); text UTF-8;
* later chunks with the same keyword overwrite earlier ones (a dict).

Then `extract` writes entries as `png_sidecar.py extract` does: readme -> README.md,
manifest -> manifest.json, others -> their path without `sidecar:`, as UTF-8 text.

usage: tracelab_sidecar.py list PNG        (prints {key: text} as JSON)
       tracelab_sidecar.py extract PNG DIR
"""

import json
import struct
import sys
import zlib
from pathlib import Path

PREFIX = "sidecar:"
MAX_TEXT_CHUNK = 1024 * 1024
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def safe_inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    plain = inflater.decompress(data, MAX_TEXT_CHUNK)
    if inflater.unconsumed_tail:
        raise ValueError("Decompressed Data Too Large")
    return plain


def read_text(path: Path) -> dict:
    data = path.read_bytes()
    if data[:8] != SIGNATURE:
        raise SyntaxError("not a PNG file")
    text = {}
    offset = 8
    while offset < len(data):
        length, ctype = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise SyntaxError(f"broken PNG file (bad header checksum in {ctype!r})")
        offset += 12 + length
        if ctype == b"tEXt":
            key, value = body.split(b"\0", 1)
            text[key.decode("latin-1")] = value.decode("latin-1")
        elif ctype == b"zTXt":
            key, value = body.split(b"\0", 1)
            if value[0] != 0:
                raise SyntaxError(f"Unknown compression method {value[0]} in zTXt chunk")
            text[key.decode("latin-1")] = safe_inflate(value[1:]).decode("latin-1")
        elif ctype == b"iTXt":
            key, rest = body.split(b"\0", 1)
            flag, method, rest = rest[0], rest[1], rest[2:]
            _language, _translated, value = rest.split(b"\0", 2)
            if flag != 0:
                if method != 0:
                    continue
                value = safe_inflate(value)
            text[key.decode("latin-1")] = value.decode("utf-8")
        elif ctype == b"IEND":
            break
    return text


def sidecar_entries(path: Path) -> dict:
    return {k: v for k, v in read_text(path).items() if k.startswith(PREFIX)}


def main() -> int:
    command, png = sys.argv[1], Path(sys.argv[2])
    entries = sidecar_entries(png)
    if command == "list":
        sys.stdout.write(json.dumps(entries))
        return 0
    out_dir = Path(sys.argv[3])
    for key, value in entries.items():
        rel = key[len(PREFIX) :]
        if rel == "readme":
            rel = "README.md"
        elif rel == "manifest":
            rel = "manifest.json"
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(value, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
