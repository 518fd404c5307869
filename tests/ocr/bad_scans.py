"""Scan files made by hand for the bad-input tests: PDFs written object by object (vector text, outlined
pages, embedded images of any declared size) and a PNG decompression bomb, each a few hundred kB at most.

Nothing here decodes or allocates the big images: their pixel data is a deflate stream of zero rows, written
a row block at a time.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class PdfImage:
    width: int
    height: int
    data: bytes  # the stream as stored
    filter: str  # "DCTDecode" (JPEG bytes) or "FlateDecode"
    colorspace: str = "DeviceGray"
    bits: int = 8


@dataclass
class PdfPage:
    width_pt: float
    height_pt: float
    content: bytes = b""  # the page's content stream (operators), stored deflated
    images: dict[str, PdfImage] = field(default_factory=dict)


def write_pdf(path: Path, pages: list[PdfPage]) -> Path:
    """A minimal, valid PDF 1.4: a catalog, a page tree, Helvetica for text, the pages and their images."""
    objects: dict[int, bytes] = {3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids = []
    for page in pages:
        xobjects = b""
        for name, image in page.images.items():
            number = len(objects) + 3
            objects[number] = _stream(
                f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace "
                f"/{image.colorspace} /BitsPerComponent {image.bits} /Filter /{image.filter}", image.data)
            xobjects += f"/{name} {number} 0 R ".encode()
        content = len(objects) + 3
        objects[content] = _stream("/Filter /FlateDecode", zlib.compress(page.content))
        number = len(objects) + 3
        objects[number] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page.width_pt} {page.height_pt}] "
            f"/Resources << /Font << /F1 3 0 R >> /XObject << ".encode() + xobjects
            + f">> >> /Contents {content} 0 R >>".encode())
        kids.append(number)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in sorted(objects))
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def _stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def text_content(lines: list[str], size: int = 24, left: float = 72, top: float = 770) -> bytes:
    """Helvetica text, one line under the other: a page of vector text, with no image on it."""
    ops = [f"BT /F1 {size} Tf {left} {top} Td {size * 1.4:.1f} TL"]
    ops += [f"({line}) '" for line in lines]
    return ("\n".join(ops) + "\nET\n").encode("latin-1")


def outlined_page(gray: np.ndarray, dpi: int) -> PdfPage:
    """A scanned page redrawn as vector rectangles, one per run of dark pixels (as a PDF whose text was
    converted to outlines): the same page, with no image in it."""
    dark = gray < 128
    height = dark.shape[0]
    ops = [f"q {72 / dpi:.6f} 0 0 {72 / dpi:.6f} 0 0 cm 0 g"]
    for y in range(height):
        edges = np.flatnonzero(np.diff(np.concatenate(([0], dark[y].view(np.int8), [0]))))
        ops += [f"{start} {height - 1 - y} {end - start} 1 re" for start, end in zip(edges[::2], edges[1::2])]
    ops.append("f Q")
    return PdfPage(gray.shape[1] * 72 / dpi, height * 72 / dpi, "\n".join(ops).encode())


def zero_rows_deflated(row_bytes: int, rows: int, row_prefix: bytes = b"") -> bytes:
    """``rows`` rows of ``row_bytes`` zero bytes (each after ``row_prefix``, e.g. a PNG filter byte),
    deflated a block of rows at a time: the whole never exists in memory."""
    compressor = zlib.compressobj(9)
    block = (row_prefix + bytes(row_bytes)) * 256
    out = bytearray()
    for _ in range(rows // 256):
        out += compressor.compress(block)
    out += compressor.compress((row_prefix + bytes(row_bytes)) * (rows % 256))
    return bytes(out + compressor.flush())


def png_bomb(path: Path, width: int = 40000, height: int = 40000) -> Path:
    """A valid 1-bit grayscale PNG of ``width``×``height`` (all black): ~200 kB on disk, 1.6 GB decoded
    as the 8-bit page a reader makes of it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = zero_rows_deflated((width + 7) // 8, height, row_prefix=b"\x00")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


def pdf_with_bomb_image(path: Path, width: int = 40000, height: int = 40000) -> Path:
    """A one-page A4 PDF whose image is ``width``×``height`` 1-bit pixels (deflated zeros)."""
    image = PdfImage(width, height, zero_rows_deflated((width + 7) // 8, height), "FlateDecode", bits=1)
    return write_pdf(path, [PdfPage(595, 842, b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": image})])
