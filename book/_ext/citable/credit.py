"""The credit an exported figure file carries inside it.

The SVG gets a ``<metadata>`` block (Dublin Core and Creative Commons terms in RDF), the
PNG ``iTXt`` text chunks, each naming title, creator, licence URL and source URL. Both
are written from the build's facts only, so two builds of the same release still
export byte-identical files, and writing them twice changes nothing.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class FileCredit:
    """What an exported file says about itself."""

    title: str  # "Figure 1.2 (fig-x) of <book>, version ..."
    creator: str
    license_url: str
    source_url: str  # the figure's entry in this release's gallery
    description: str  # alt text, then any data credit


_SVG_METADATA = re.compile(rb"\s*<metadata>.*?</metadata>", re.DOTALL)
_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")


def svg_with_credit(svg: bytes, credit: FileCredit) -> bytes:
    """The SVG with its ``<metadata>`` replaced by one naming title, creator, licence, source."""
    block = (
        "\n <metadata>\n"
        '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://creativecommons.org/ns#">\n'
        '   <cc:Work rdf:about="">\n'
        '    <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/>\n'
        "    <dc:format>image/svg+xml</dc:format>\n"
        f"    <dc:title>{escape(credit.title)}</dc:title>\n"
        f"    <dc:creator><cc:Agent><dc:title>{escape(credit.creator)}</dc:title></cc:Agent>"
        "</dc:creator>\n"
        f"    <dc:description>{escape(credit.description)}</dc:description>\n"
        f"    <dc:source rdf:resource={quoteattr(credit.source_url)}/>\n"
        f"    <cc:license rdf:resource={quoteattr(credit.license_url)}/>\n"
        f"    <cc:attributionName>{escape(credit.creator)}</cc:attributionName>\n"
        f"    <cc:attributionURL rdf:resource={quoteattr(credit.source_url)}/>\n"
        "   </cc:Work>\n  </rdf:RDF>\n </metadata>").encode("utf-8")
    stripped = _SVG_METADATA.sub(b"", svg, count=1)
    opening = _SVG_OPEN.search(stripped)
    if opening is None:
        raise ValueError("not an SVG document: no <svg> element")
    return stripped[:opening.end()] + block + stripped[opening.end():]


PNG_KEYWORDS = ("Title", "Author", "Description", "Copyright", "License", "Source")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG file")
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        out.append((png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return out


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_credit(png: bytes, credit: FileCredit) -> bytes:
    """The PNG with UTF-8 text chunks (``iTXt``) for title, author, licence and source.

    Existing text chunks with these keywords are replaced; pixels are untouched.
    """
    values = {"Title": credit.title, "Author": credit.creator,
              "Description": credit.description,
              "Copyright": f"{credit.creator}. Licence: {credit.license_url}",
              "License": credit.license_url, "Source": credit.source_url}
    texts = b"".join(_chunk(b"iTXt", k.encode("latin-1") + b"\0\0\0\0\0" + v.encode("utf-8"))
                     for k, v in values.items())
    out = [_PNG_SIGNATURE]
    for kind, data in _chunks(png):
        keyword = data.split(b"\0", 1)[0].decode("latin-1") if kind in (b"tEXt", b"iTXt",
                                                                          b"zTXt") else ""
        if keyword in values:
            continue
        out.append(_chunk(kind, data))
        if kind == b"IHDR":
            out.append(texts)
    return b"".join(out)


def png_text(png: bytes) -> dict[str, str]:
    """The text chunks of a PNG (``tEXt`` and uncompressed ``iTXt``), by keyword."""
    found = {}
    for kind, data in _chunks(png):
        if kind == b"tEXt":
            key, _, value = data.partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = data.partition(b"\0")
            if rest[:1] == b"\0":  # not compressed
                _lang, _, rest = rest[2:].partition(b"\0")
                _translated, _, value = rest.partition(b"\0")
                found[key.decode("latin-1")] = value.decode("utf-8")
    return found
