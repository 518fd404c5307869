"""The pages of a PDF scan: what each page holds (``pdfinfo``, ``pdfimages -list``), the checks made before
anything is extracted, and getting a page out as an image file.

A page that is one embedded, upright scan with square pixels is split out with ``pdfimages`` (its JPEG bytes
kept as they are: fast and lossless, at the scan's own resolution); any other page (vector text, a rotated or
composite page) is rasterized at ``RASTER_DPI`` with pdftoppm. Pages come out as (page number, file, dpi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ocr import programs
from ocr.errors import CorruptFileError, EncryptedPdfError, ImageTooLargeError, LowResolutionError

RASTER_DPI = 300


@dataclass
class PdfPage:
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


def pdf_pages(path: Path, max_pixels: int, min_dpi: int) -> list[PdfPage]:
    """Every page of the PDF with its size, rotation and images; refuses, before anything is extracted, a
    page whose image or rasterization would be a decompression bomb, and a scan under ``min_dpi``."""
    pages = _page_facts(path)
    _list_images(path, pages)
    for page in pages:
        if page.images:
            ImageTooLargeError.check(path, *page.largest, max_pixels, page.number, "an embedded image of ")
        if page.scan:
            LowResolutionError.check(path, page.x_ppi, min_dpi, page.number)
        else:
            width, height = (round(side / 72 * RASTER_DPI) for side in (page.width_pt, page.height_pt))
            ImageTooLargeError.check(path, width, height, max_pixels, page.number, f"at {RASTER_DPI} dpi the page is ")
    return pages


def _page_facts(path: Path) -> list[PdfPage]:
    done = programs.pdfinfo(path)
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "password" in errors.lower() or "encrypt" in errors.lower():
            raise EncryptedPdfError(path)
        raise CorruptFileError(path, "pdfinfo cannot parse it")
    info = done.stdout.decode("utf-8", "replace")
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    if not match or int(match.group(1)) == 0:
        raise CorruptFileError(path, "no pages")
    pages = [PdfPage(number) for number in range(1, int(match.group(1)) + 1)]
    for number, rotation in re.findall(r"^Page\s+(\d+)\s+rot:\s+(\d+)", info, re.MULTILINE):
        if 1 <= int(number) <= len(pages):
            pages[int(number) - 1].rotation = int(rotation) % 360
    for number, width, height in re.findall(r"^Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE):
        if 1 <= int(number) <= len(pages):
            pages[int(number) - 1].width_pt, pages[int(number) - 1].height_pt = float(width), float(height)
    return pages


def _list_images(path: Path, pages: list[PdfPage]) -> None:
    """Each page's embedded images (``pdfimages -list``): how many, the resolution and the largest size."""
    listing = programs.pdfimages_list(path)
    if listing.returncode != 0:
        raise CorruptFileError(path, "pdfimages cannot list its images")
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


def extract_images(path: Path, out_dir: Path, pages: list[PdfPage]) -> list[tuple[int, Path, int]] | None:
    """The embedded images of ``pages`` (consecutive scans), as they are stored (``pdfimages -all -p -f -l``);
    None when pdfimages cannot write them natively (then they must be rasterized)."""
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
        return None
    for page in pages:
        try:
            with Image.open(files[page.number]) as image:
                image.load()
        except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as error:
            raise CorruptFileError(path, f"the image of page {page.number} cannot be decoded") from error
    return [(page.number, files[page.number], int(round(page.x_ppi))) for page in pages]


def rasterize(path: Path, out_dir: Path, first: int, last: int) -> list[tuple[int, Path, int]]:
    """pdftoppm via pdf2image, pages ``first``..``last`` at 300 dpi, written straight to disk (paths_only)
    so pages are never all held in memory."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    try:
        paths = convert_from_path(
            path, dpi=RASTER_DPI, output_folder=out_dir, paths_only=True, grayscale=True,
            output_file=f"page-{first:05d}", thread_count=1, first_page=first, last_page=last,
        )
    except (PDFPageCountError, PDFSyntaxError) as error:
        raise CorruptFileError(path, "pdftoppm cannot render it") from error
    if len(paths) != last - first + 1:
        raise CorruptFileError(path, f"rendered {len(paths)} of pages {first}-{last}")
    return [(number, Path(file), RASTER_DPI) for number, file in enumerate(sorted(paths), start=first)]
