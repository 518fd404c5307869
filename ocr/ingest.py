"""Ingest: one scan file (PDF, PNG, JPEG, TIFF) → one image file per page, with its resolution.

The file is first copied into the work folder and hashed as it is copied; every page is then read from that
private copy, so the pages are the bytes of that checksum (and, given ``expected_sha256``, of the original
stored) even if the file changes or goes away while the batch runs. Before any pixel is decoded, each page's
size and resolution are read from the header (Pillow's lazy open; ``pdfimages -list`` and ``pdfinfo`` for
PDFs): a decompression bomb or a page scanned at too low a resolution is refused with its figures.

Images are split here (a multi-page TIFF into one PNG per page); PDFs page by page in ``ocr.pdf_pages``
(a scan page's own image, any other page rasterized at 300 dpi). Bad input raises a typed
``SohoaInputError`` naming the file.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import struct
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile
from PIL.PngImagePlugin import PngImageFile
from PIL.TiffImagePlugin import TiffImageFile

from ocr import pdf_pages
from ocr.errors import (
    CorruptFileError, EmptyFileError, ImageTooLargeError, LowResolutionError, NotAnImageError, SohoaInputError,
    SourceChangedError,
)

#: Resolution used when a file does not say its own, and for rasterizing PDF pages that are not plain scans.
DEFAULT_DPI = pdf_pages.RASTER_DPI
#: A page over this is refused from its header (an A3 page at 600 dpi is 70 MP). Kept under Pillow's own
#: guard (179 MP), which refuses without saying why, so that this check is the one that speaks.
MAX_MEGAPIXELS = 150
#: Pages scanned under this are refused. 150 dpi is read: cells go to the engine at no less than 300 dpi.
MIN_DPI = 100
#: Longer than any register page (A2 is 23.4 in): a dpi tag that makes the page longer is the imaging
#: software's default (72 dpi), not the scanner's, and the page is taken as DEFAULT_DPI.
MAX_PAGE_INCHES = 24
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}
HEADER_READERS = {"png": PngImageFile, "jpeg": JpegImageFile, "tiff": TiffImageFile}


@dataclass(frozen=True)
class PageImage:
    """One page of a scan file, as an image file on disk."""

    source_file: Path
    page_in_file: int  # 1-based
    path: Path
    dpi: int
    source_sha256: str = ""  # of the bytes the page was read from; "" when not known


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sniff_format(source: Path) -> str:
    """"pdf", "png", "jpeg" or "tiff" from the file's first bytes (never from its name)."""
    if not source.is_file():
        raise SourceChangedError(source, "no such file")
    with open(source, "rb") as handle:
        head = handle.read(1024)
    if not head:
        raise EmptyFileError(source)
    if b"%PDF-" in head:
        return "pdf"
    for magic, kind in IMAGE_MAGIC.items():
        if head.startswith(magic):
            return kind
    raise NotAnImageError(source)


def split_into_pages(source: Path, work_dir: Path) -> list[PageImage]:
    """Every page of ``source`` as an image file under ``work_dir``."""
    stream = PageStream(source, work_dir)
    return stream.take(stream.count)


class PageStream:
    """The pages of one scan file, extracted a few at a time, in order: ``take(n)`` extracts the next ``n``.

    A 300-page book would otherwise put every page on disk (513 MB of unencrypted scans) before the first is
    read. The caller deletes a page's file once the page is stored, so the work folder holds only the pages in
    flight, and the private copy until the last page is out. ``sha256`` is the copy's checksum; with
    ``expected_sha256`` (the original stored) a file that changed since is refused."""

    def __init__(self, source: Path, work_dir: Path, *, expected_sha256: str | None = None,
                 max_megapixels: float = MAX_MEGAPIXELS, min_dpi: int = MIN_DPI) -> None:
        self.source = Path(source)
        self._next = 1
        self.copy, self.sha256 = _private_copy(self.source, Path(work_dir))
        self.out_dir = Path(work_dir) / f"{_safe_stem(self.source)}-{self.sha256[:12]}"
        try:
            with _naming(self.source):
                if expected_sha256 is not None and self.sha256 != expected_sha256:
                    raise SourceChangedError(self.source, f"its SHA-256 is now {self.sha256[:12]}…, not the "
                                                          f"{expected_sha256[:12]}… stored as its original")
                self.kind = sniff_format(self.copy)
                max_pixels = int(max_megapixels * 1_000_000)
                if self.kind == "pdf":
                    self._pdf_pages = pdf_pages.pdf_pages(self.copy, max_pixels, min_dpi)
                    self._extractable = True
                    self.count = len(self._pdf_pages)
                else:
                    self._frame_dpis = _image_frames(self.copy, self.kind, max_pixels, min_dpi)
                    self.count = len(self._frame_dpis)
        except BaseException:
            self.close()
            raise

    @property
    def remaining(self) -> int:
        return self.count - self._next + 1

    def take(self, n: int) -> list[PageImage]:
        first, last = self._next, min(self.count, self._next + max(0, n) - 1)
        if last < first:
            return []
        self._next = last + 1
        try:
            with _naming(self.source):
                pages = self._extract(first, last)
        except BaseException:
            self.close()  # the rest of this file is not read: its copy goes now
            raise
        if self.remaining == 0 and not (self.kind != "pdf" and self.count == 1):
            self.close()
        return [PageImage(self.source, p.page_in_file, p.path, p.dpi, self.sha256) for p in pages]

    def close(self) -> None:
        """Delete the private copy (personal data); pages already taken stay the caller's."""
        copy = getattr(self, "copy", None)
        if copy is not None:
            copy.unlink(missing_ok=True)

    def _extract(self, first: int, last: int) -> list[PageImage]:
        if self.kind != "pdf":
            if self.count == 1:
                # A single image is its own page: the copy is handed over (and verified to decode here).
                with _decoding(self.copy), Image.open(self.copy) as image:
                    image.load()
                return [PageImage(self.copy, 1, self.copy, self._frame_dpis[0])]
            return _split_frames(self.copy, self.out_dir, first, last, self._frame_dpis)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        result: list[tuple[int, Path, int]] = []
        # Consecutive scans come out of one pdfimages run, consecutive other pages out of one pdftoppm run.
        for is_scan, group in itertools.groupby(self._pdf_pages[first - 1:last], key=lambda p: p.scan):
            run = list(group)
            if is_scan and self._extractable:
                extracted = pdf_pages.extract_images(self.copy, self.out_dir, run)
                if extracted is not None:
                    result += extracted
                    continue
                self._extractable = False  # formats pdfimages cannot write natively: rasterize from here on
            result += pdf_pages.rasterize(self.copy, self.out_dir, run[0].number, run[-1].number)
        return [PageImage(self.copy, number, path, dpi) for number, path, dpi in result]


def _private_copy(source: Path, work_dir: Path) -> tuple[Path, str]:
    """Copy ``source`` into ``work_dir`` (a hidden file of its own), hashing the bytes as they are written."""
    if source.is_dir():
        raise NotAnImageError(source, "it is a folder")
    work_dir.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=work_dir, prefix=".original-")
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as original, os.fdopen(handle, "wb") as copy:
            for block in iter(lambda: original.read(1 << 20), b""):
                digest.update(block)
                copy.write(block)
    except BaseException as error:
        Path(name).unlink(missing_ok=True)
        if isinstance(error, FileNotFoundError):
            raise SourceChangedError(source, "no such file") from error
        if isinstance(error, PermissionError):
            raise SohoaInputError(source, "permission denied") from error
        raise
    return Path(name), digest.hexdigest()


@contextmanager
def _naming(source: Path) -> Iterator[None]:
    """Errors about the private copy are the user's file's errors: re-raised under its name (the helpers
    below only know the copy)."""
    try:
        yield
    except SohoaInputError as error:
        if error.path == source:
            raise
        raise type(error)(source, error.detail, page=error.page) from error


def _safe_stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem)[:40] or "scan"


# --- images -----------------------------------------------------------------------------------------

def _page_dpi(image: Image.Image) -> int:
    """The frame's dpi tag, unless it is missing, absurd, or makes the page larger than any register."""
    dpi = image.info.get("dpi")
    if not dpi or float(dpi[0]) < 50:
        return DEFAULT_DPI
    value = int(round(float(dpi[0])))
    if max(image.size) / value > MAX_PAGE_INCHES:
        return DEFAULT_DPI
    return value


def _image_frames(source: Path, kind: str, max_pixels: int, min_dpi: int) -> list[int]:
    """Each frame's dpi, read from the header alone after checking its size and resolution. The format's
    own reader is used, not ``Image.open``, whose bomb guard would refuse a huge frame without its size."""
    with _decoding(source, "the image header is not valid"), open(source, "rb") as handle:
        image = HEADER_READERS[kind](handle)
        frames = getattr(image, "n_frames", 1)
        dpis = []
        for number in range(1, frames + 1):
            image.seek(number - 1)
            page = number if frames > 1 else None
            ImageTooLargeError.check(source, *image.size, max_pixels, page)
            dpis.append(_page_dpi(image))
            LowResolutionError.check(source, dpis[-1], min_dpi, page)
        return dpis


@contextmanager
def _decoding(path: Path, detail: str = "") -> Iterator[None]:
    """Pillow's many ways of saying an image is damaged or truncated, as one CorruptFileError."""
    try:
        yield
    except UnidentifiedImageError as error:
        raise CorruptFileError(path, "the image header is not valid") from error
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, TypeError, IndexError, KeyError) as error:
        raise CorruptFileError(path, detail) from error


def _split_frames(path: Path, out_dir: Path, first: int, last: int, dpis: list[int]) -> list[PageImage]:
    """Frames ``first``..``last`` of a multi-frame image (a multi-page TIFF), each written out as PNG."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    with _decoding(path), Image.open(path) as image:
        for number in range(first, last + 1):
            with _decoding(path, f"page {number} cannot be decoded"):
                image.seek(number - 1)
                out = out_dir / f"page-{number:04d}.png"
                _savable(image).save(out, dpi=(dpis[number - 1],) * 2)
            pages.append(PageImage(path, number, out, dpis[number - 1]))
    return pages


def _savable(frame: Image.Image) -> Image.Image:
    """The frame in a mode PNG keeps as it is: 16-bit gray stays 16-bit (the page reader stretches it to
    8 bits), since converting it to "L" clips every value over 255 and leaves a white page."""
    if frame.mode.startswith("I;16"):
        return Image.fromarray(np.asarray(frame).astype("<u2"))
    if frame.mode in ("I", "F"):
        values = np.asarray(frame, dtype=np.float64)
        span = float(values.max() - values.min()) or 1.0
        return Image.fromarray(((values - values.min()) * (255 / span)).astype(np.uint8))
    return frame.convert("L" if frame.mode in ("1", "L") else "RGB")
