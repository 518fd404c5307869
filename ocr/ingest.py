"""Ingest: one scan file (PDF, PNG, JPEG, TIFF) → one image file per page, with its resolution.

The file is first copied into the work folder and hashed as it is copied; every page is then read from that
private copy, so the pages are the bytes of that checksum (and, given ``expected_sha256``, of the original
stored) even if the file changes or goes away while the batch runs. Before any pixel is decoded, each page's
size and resolution are read from the header (Pillow's lazy open; ``pdfimages -list`` and ``pdfinfo`` for
PDFs): a decompression bomb or a page scanned at too low a resolution is refused with its figures.

A PDF page that is one embedded, upright scan is split out with ``pdfimages`` (its JPEG bytes kept as they
are: fast and lossless); any other page (vector text, a rotated or composite page) is rasterized at 300 dpi
with pdftoppm. Bad input raises a typed ``SohoaInputError`` naming the file.
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

from ocr import programs
from ocr.errors import (
    CorruptFileError, EmptyFileError, EncryptedPdfError, ImageTooLargeError, LowResolutionError, NotAnImageError,
    SohoaInputError, SourceChangedError,
)

#: Resolution used when a file does not say its own, and for rasterizing PDF pages that are not plain scans.
DEFAULT_DPI = 300
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
                limits = _Limits(int(max_megapixels * 1_000_000), min_dpi)
                if self.kind == "pdf":
                    self._pdf_pages = _pdf_pages(self.copy)
                    _list_images(self.copy, self._pdf_pages)
                    _check_pdf_pages(self.copy, self._pdf_pages, limits)
                    self._extractable = True
                    self.count = len(self._pdf_pages)
                else:
                    self._frame_dpis = _image_frames(self.copy, self.kind, limits)
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
        result: list[PageImage] = []
        # Consecutive scans come out of one pdfimages run, consecutive other pages out of one pdftoppm run.
        for is_scan, group in itertools.groupby(self._pdf_pages[first - 1:last], key=lambda p: p.scan):
            run = list(group)
            if is_scan and self._extractable:
                extracted = _extract_images(self.copy, self.out_dir, run)
                if extracted is not None:
                    result += extracted
                    continue
                self._extractable = False  # formats pdfimages cannot write natively: rasterize from here on
            result += _rasterize(self.copy, self.out_dir, run[0].number, run[-1].number)
        return result


@dataclass(frozen=True)
class _Limits:
    max_pixels: int
    min_dpi: int

    def check_size(self, source: Path, width: int, height: int, page: int | None, what: str = "") -> None:
        if width * height > self.max_pixels:
            raise ImageTooLargeError(source, f"{what}{width}×{height} pixels ({width * height / 1e6:.0f} MP), over "
                                             f"the {self.max_pixels / 1e6:.0f}-megapixel limit", page=page)

    def check_dpi(self, source: Path, dpi: float, page: int | None) -> None:
        if dpi < self.min_dpi:
            raise LowResolutionError(source, f"{dpi:.0f} dpi, under the {self.min_dpi}-dpi minimum", page=page)


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


def _image_frames(source: Path, kind: str, limits: _Limits) -> list[int]:
    """Each frame's dpi, read from the header alone after checking its size and resolution. The format's
    own reader is used, not ``Image.open``, whose bomb guard would refuse a huge frame without its size."""
    with _decoding(source, "the image header is not valid"), open(source, "rb") as handle:
        image = HEADER_READERS[kind](handle)
        frames = getattr(image, "n_frames", 1)
        dpis = []
        for number in range(1, frames + 1):
            image.seek(number - 1)
            page = number if frames > 1 else None
            limits.check_size(source, *image.size, page)
            dpis.append(_page_dpi(image))
            limits.check_dpi(source, dpis[-1], page)
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


# --- PDFs -------------------------------------------------------------------------------------------

@dataclass
class _PdfPage:
    number: int
    rotation: int = 0
    width_pt: float = 0.0
    height_pt: float = 0.0
    images: int = 0
    x_ppi: float = 0.0
    y_ppi: float = 0.0
    largest: tuple[int, int] = (0, 0)  # the largest embedded image's width and height, in pixels

    @property
    def scan(self) -> bool:
        """One embedded scan, upright, with square pixels: then its image is the page."""
        return (self.images == 1 and self.rotation == 0 and self.x_ppi >= 50
                and abs(self.x_ppi - self.y_ppi) <= 0.02 * self.x_ppi)


def _pdf_pages(source: Path) -> list[_PdfPage]:
    done = programs.pdfinfo(source)
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "password" in errors.lower() or "encrypt" in errors.lower():
            raise EncryptedPdfError(source)
        raise CorruptFileError(source, "pdfinfo cannot parse it")
    info = done.stdout.decode("utf-8", "replace")
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    if not match or int(match.group(1)) == 0:
        raise CorruptFileError(source, "no pages")
    pages = [_PdfPage(number) for number in range(1, int(match.group(1)) + 1)]
    for number, rotation in re.findall(r"^Page\s+(\d+)\s+rot:\s+(\d+)", info, re.MULTILINE):
        if 1 <= int(number) <= len(pages):
            pages[int(number) - 1].rotation = int(rotation) % 360
    for number, width, height in re.findall(r"^Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE):
        if 1 <= int(number) <= len(pages):
            pages[int(number) - 1].width_pt, pages[int(number) - 1].height_pt = float(width), float(height)
    return pages


def _list_images(source: Path, pages: list[_PdfPage]) -> None:
    """Each page's embedded images (``pdfimages -list``): how many, the resolution and the largest size."""
    listing = programs.pdfimages_list(source)
    if listing.returncode != 0:
        raise CorruptFileError(source, "pdfimages cannot list its images")
    for line in listing.stdout.decode("utf-8", "replace").splitlines()[2:]:
        cols = line.split()
        if len(cols) < 14 or cols[2] != "image" or not cols[0].isdigit() or not 1 <= int(cols[0]) <= len(pages):
            continue
        page = pages[int(cols[0]) - 1]
        page.images += 1
        page.x_ppi, page.y_ppi = float(cols[12]), float(cols[13])
        size = (int(cols[3]), int(cols[4]))
        if size[0] * size[1] > page.largest[0] * page.largest[1]:
            page.largest = size


def _check_pdf_pages(source: Path, pages: list[_PdfPage], limits: _Limits) -> None:
    """Refuse, before extracting anything, a page whose image or rasterization would be a bomb, and a scan
    page under the minimum resolution."""
    for page in pages:
        if page.images:
            limits.check_size(source, *page.largest, page.number, "an embedded image of ")
        if page.scan:
            limits.check_dpi(source, page.x_ppi, page.number)
        else:
            width, height = (round(side / 72 * DEFAULT_DPI) for side in (page.width_pt, page.height_pt))
            limits.check_size(source, width, height, page.number, f"at {DEFAULT_DPI} dpi the page is ")


def _extract_images(path: Path, out_dir: Path, pages: list[_PdfPage]) -> list[PageImage] | None:
    """The embedded images of ``pages`` (consecutive), as they are stored (``pdfimages -all -p -f -l``)."""
    first, last = pages[0].number, pages[-1].number
    programs.poppler_version()
    done = programs.run(["pdfimages", "-all", "-p", "-f", str(first), "-l", str(last), str(path),
                         str(out_dir / "img")], timeout=600)
    if done.returncode != 0:
        raise CorruptFileError(path, "pdfimages cannot extract its images")
    files = {int(m.group(1)): file for file in out_dir.glob("img-*-*.*")
             if (m := re.match(r"img-(\d+)-\d+\.", file.name)) and first <= int(m.group(1)) <= last}
    if sorted(files) != [p.number for p in pages]:
        for file in files.values():
            file.unlink(missing_ok=True)
        return None  # e.g. formats pdfimages cannot write natively: rasterize instead
    result = []
    for page in pages:
        with _decoding(path, f"the image of page {page.number} cannot be decoded"), \
                Image.open(files[page.number]) as image:
            image.load()
        result.append(PageImage(path, page.number, files[page.number], int(round(page.x_ppi))))
    return result


def _rasterize(path: Path, out_dir: Path, first: int, last: int) -> list[PageImage]:
    """pdftoppm via pdf2image, pages ``first``..``last`` at 300 dpi, written straight to disk (paths_only)
    so pages are never all held in memory."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    prefix = f"page-{first:05d}"
    try:
        paths = convert_from_path(
            path, dpi=DEFAULT_DPI, output_folder=out_dir, paths_only=True, grayscale=True,
            output_file=prefix, thread_count=1, first_page=first, last_page=last,
        )
    except (PDFPageCountError, PDFSyntaxError) as error:
        raise CorruptFileError(path, "pdftoppm cannot render it") from error
    if len(paths) != last - first + 1:
        raise CorruptFileError(path, f"rendered {len(paths)} of pages {first}-{last}")
    return [PageImage(path, number, Path(file), DEFAULT_DPI)
            for number, file in enumerate(sorted(paths), start=first)]
