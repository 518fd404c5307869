"""Ingest: one scan file (PDF, PNG, JPEG, TIFF) → one image file per page, with its resolution.

PDFs whose pages are each one embedded scan image are split with ``pdfimages`` (the JPEG bytes are kept as
they are: fast and lossless); any other PDF is rasterized at 300 dpi with pdf2image, page by page on disk.
Bad input raises a typed ``SohoaInputError`` naming the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from ocr import programs
from ocr.errors import CorruptFileError, EmptyFileError, EncryptedPdfError, NotAnImageError

#: Resolution used when a file does not say its own, and for rasterizing PDFs that are not plain scans.
DEFAULT_DPI = 300
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}


@dataclass(frozen=True)
class PageImage:
    """One page of a scan file, as an image file on disk."""

    source_file: Path
    page_in_file: int  # 1-based
    path: Path
    dpi: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sniff_format(source: Path) -> str:
    """"pdf", "png", "jpeg" or "tiff" from the file's first bytes (never from its name)."""
    if not source.is_file():
        raise NotAnImageError(source, "no such file")
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
    """Every page of ``source`` as an image file (under ``work_dir`` when the page had to be extracted)."""
    stream = PageStream(source, work_dir)
    return stream.take(stream.count)


class PageStream:
    """The pages of one scan file, extracted a few at a time, in order: ``take(n)`` extracts the next ``n``.

    A 300-page book would otherwise put every page on disk (513 MB of unencrypted scans) before the first is
    read. The caller deletes a page's file once the page is stored, so the work folder holds only the pages in
    flight. A single-image file is its own page and needs no work file."""

    def __init__(self, source: Path, work_dir: Path) -> None:
        self.source = Path(source)
        self.kind = sniff_format(self.source)
        self.out_dir = Path(work_dir) / f"{_safe_stem(self.source)}-{sha256_file(self.source)[:12]}"
        self._next = 1
        if self.kind == "pdf":
            self._pdf_pages = _pdf_pages(self.source)
            self._scans = _one_scan_per_page(self.source, self._pdf_pages)
            self.count = len(self._pdf_pages)
        else:
            self.count = _frame_count(self.source)

    @property
    def remaining(self) -> int:
        return self.count - self._next + 1

    def take(self, n: int) -> list[PageImage]:
        first, last = self._next, min(self.count, self._next + max(0, n) - 1)
        if last < first:
            return []
        self._next = last + 1
        if self.kind != "pdf":
            return _split_image(self.source, self.out_dir, first, last)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        pages = self._pdf_pages[first - 1:last]
        if self._scans:
            extracted = _extract_images(self.source, self.out_dir, pages)
            if extracted is not None:
                return extracted
            # Formats pdfimages cannot write natively: this file is rasterized from here on.
            self._scans = False
        return _rasterize(self.source, self.out_dir, first, last)


def _safe_stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem)[:40] or "scan"


# --- images -----------------------------------------------------------------------------------------

def _image_dpi(image: Image.Image) -> int:
    dpi = image.info.get("dpi")
    if dpi and float(dpi[0]) >= 50:
        return int(round(float(dpi[0])))
    return DEFAULT_DPI


def _frame_count(source: Path) -> int:
    try:
        with Image.open(source) as image:
            return getattr(image, "n_frames", 1)
    except UnidentifiedImageError as error:
        raise CorruptFileError(source, "the image header is not valid") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise CorruptFileError(source) from error


def _split_image(source: Path, out_dir: Path, first: int = 1, last: int | None = None) -> list[PageImage]:
    """Pages ``first``..``last`` of an image file: the file itself when it has one frame, else each frame
    written out as PNG."""
    try:
        with Image.open(source) as image:
            frames = getattr(image, "n_frames", 1)
            if frames == 1:
                image.load()  # decodes everything: a truncated file fails here, not later
                return [PageImage(source, 1, source, _image_dpi(image))]
            out_dir.mkdir(parents=True, exist_ok=True)
            pages = []
            for number in range(first, min(frames, last or frames) + 1):
                image.seek(number - 1)
                frame = image
                dpi = _image_dpi(frame)
                path = out_dir / f"page-{number:04d}.png"
                frame.convert("L" if frame.mode in ("1", "L", "I;16", "I") else "RGB").save(path, dpi=(dpi, dpi))
                pages.append(PageImage(source, number, path, dpi))
            return pages
    except UnidentifiedImageError as error:
        raise CorruptFileError(source, "the image header is not valid") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise CorruptFileError(source) from error


# --- PDFs -------------------------------------------------------------------------------------------

@dataclass
class _PdfPage:
    number: int
    rotation: int = 0
    images: int = 0
    x_ppi: float = 0.0
    y_ppi: float = 0.0


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
    return pages


def _one_scan_per_page(source: Path, pages: list[_PdfPage]) -> bool:
    """Whether every page is one embedded scan, upright, with square pixels: then its image is the page."""
    listing = programs.pdfimages_list(source)
    if listing.returncode != 0:
        raise CorruptFileError(source, "pdfimages cannot list its images")
    for line in listing.stdout.decode("utf-8", "replace").splitlines()[2:]:
        cols = line.split()
        if len(cols) < 14 or cols[2] != "image" or not cols[0].isdigit():
            continue
        page = pages[int(cols[0]) - 1]
        page.images += 1
        page.x_ppi, page.y_ppi = float(cols[12]), float(cols[13])
    return all(
        p.images == 1 and p.rotation == 0 and p.x_ppi >= 50 and abs(p.x_ppi - p.y_ppi) <= 0.02 * p.x_ppi
        for p in pages
    )


def _extract_images(source: Path, out_dir: Path, pages: list[_PdfPage]) -> list[PageImage] | None:
    """The embedded images of ``pages`` (consecutive), as they are stored (``pdfimages -all -p -f -l``)."""
    first, last = pages[0].number, pages[-1].number
    programs.poppler_version()
    done = programs.run(["pdfimages", "-all", "-p", "-f", str(first), "-l", str(last), str(source),
                         str(out_dir / "img")], timeout=600)
    if done.returncode != 0:
        raise CorruptFileError(source, "pdfimages cannot extract its images")
    files = {int(m.group(1)): path for path in out_dir.glob("img-*-*.*")
             if (m := re.match(r"img-(\d+)-\d+\.", path.name)) and first <= int(m.group(1)) <= last}
    if sorted(files) != [p.number for p in pages]:
        for path in files.values():
            path.unlink(missing_ok=True)
        return None  # e.g. formats pdfimages cannot write natively: rasterize instead
    result = []
    for page in pages:
        path = files[page.number]
        try:
            with Image.open(path) as image:
                image.load()
        except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as error:
            raise CorruptFileError(source, f"the image of page {page.number} cannot be decoded") from error
        result.append(PageImage(source, page.number, path, int(round(page.x_ppi))))
    return result


def _rasterize(source: Path, out_dir: Path, first: int, last: int) -> list[PageImage]:
    """pdftoppm via pdf2image, pages ``first``..``last``, written straight to disk (paths_only) so pages are
    never all held in memory."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    prefix = f"page-{first:05d}"
    try:
        paths = convert_from_path(
            source, dpi=DEFAULT_DPI, output_folder=out_dir, paths_only=True, grayscale=True,
            output_file=prefix, thread_count=1, first_page=first, last_page=last,
        )
    except (PDFPageCountError, PDFSyntaxError) as error:
        raise CorruptFileError(source, "pdftoppm cannot render it") from error
    if len(paths) != last - first + 1:
        raise CorruptFileError(source, f"rendered {len(paths)} of pages {first}-{last}")
    return [PageImage(source, number, Path(path), DEFAULT_DPI)
            for number, path in enumerate(sorted(paths), start=first)]
