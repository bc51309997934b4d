"""Bytes to text: byte-order marks, strict UTF-8, UTF-16 without a BOM, then charset-normalizer."""

from __future__ import annotations

import codecs

from core.ingest.model import (
    SNIFF_BYTES,
    UTF16_NUL_SHARE,
    _DecodeError,
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding name). Raises ValueError if they are not text.

    Order: BOM (UTF-8/16/32), strict UTF-8 (the fast path), UTF-16 without BOM (NUL pattern),
    then charset-normalizer's best guess (cp1252, cp1256, ...). NUL bytes otherwise mean binary.
    """
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise _DecodeError(f"has a {enc} byte-order mark but does not decode as {enc}") from exc
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        utf16 = _guess_utf16_without_bom(head)
        if utf16:
            try:
                return data.decode(utf16), utf16
            except UnicodeDecodeError:
                pass
        raise _DecodeError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _DecodeError("undecodable: not UTF-8 and no text encoding fits")
    name = codecs.lookup(best.encoding).name
    return str(best), name


def _guess_utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in every other byte (ASCII-range UTF-16), else None."""
    even, odd = head[0::2], head[1::2]
    if not even or not odd:
        return None
    if odd.count(0) / len(odd) > UTF16_NUL_SHARE and even.count(0) / len(even) < 0.1:
        return "utf-16-le"
    if even.count(0) / len(even) > UTF16_NUL_SHARE and odd.count(0) / len(odd) < 0.1:
        return "utf-16-be"
    return None
