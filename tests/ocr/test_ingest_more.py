"""Ingest of the harder inputs: files read by their content whatever their name or pixel format, vector PDF
pages rasterized, decompression bombs and too-low resolutions refused from the header, and a file that
changes or goes away while it is read."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.errors import ImageTooLargeError, LowResolutionError, SourceChangedError
from ocr.ingest import PageStream, sha256_file, split_into_pages
from ocr.preprocess import load_gray
from tests.ocr.bad_scans import (
    PdfImage, PdfPage, pdf_with_bomb_image, png_bomb, text_content, write_pdf,
)


def _page(size=(1240, 1754), paper=235, ink=25, offset=0) -> Image.Image:
    """A light page with one dark frame (where ink must be found after ingest)."""
    page = Image.new("L", size, paper)
    ImageDraw.Draw(page).rectangle([100 + offset, 100, 600 + offset, 500], outline=ink, width=8)
    return page


def _ink(page) -> int:
    return int((load_gray(page, page.path.read_bytes()) < 128).sum())


EXPECTED_INK = int((np.asarray(_page()) < 128).sum())


# --- read by content, whatever the pixel format ---------------------------------------------------------

def test_png_named_pdf_is_read_by_its_content(tmp_path):
    path = tmp_path / "page-03.pdf"
    _page().save(path, format="PNG", dpi=(300, 300))
    (page,) = split_into_pages(path, tmp_path / "work")
    assert page.dpi == 300 and _ink(page) == EXPECTED_INK


def test_cmyk_jpeg_is_read(tmp_path):
    path = tmp_path / "cmyk.jpg"
    _page().convert("CMYK").save(path, dpi=(300, 300), quality=95)
    assert Image.open(path).mode == "CMYK"
    (page,) = split_into_pages(path, tmp_path / "work")
    assert abs(_ink(page) - EXPECTED_INK) < 0.05 * EXPECTED_INK


@pytest.mark.parametrize("frames", [1, 3])
def test_16_bit_tiff_keeps_its_ink(tmp_path, frames):
    # Mid-grey paper and ink, as a 16-bit scanner writes them: clipping to 8 bits would make both white.
    pages = [Image.fromarray(np.asarray(_page(offset=40 * n)).astype(np.uint16) * 257) for n in range(frames)]
    assert pages[0].mode == "I;16"
    path = tmp_path / "deep.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(300, 300))
    result = split_into_pages(path, tmp_path / "work")
    assert [p.page_in_file for p in result] == list(range(1, frames + 1))
    assert all(_ink(p) == EXPECTED_INK for p in result)
    assert len({sha256_file(p.path) for p in result}) == frames, "each TIFF page is its own page"


@pytest.mark.parametrize("frames", [1, 2])
def test_palette_tiff_is_read(tmp_path, frames):
    pages = [_page(offset=40 * n).convert("P") for n in range(frames)]
    path = tmp_path / "palette.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(300, 300), compression="tiff_lzw")
    assert Image.open(path).mode == "P"
    result = split_into_pages(path, tmp_path / "work")
    assert len(result) == frames and all(_ink(p) == EXPECTED_INK for p in result)


# --- vector PDFs ------------------------------------------------------------------------------------

def test_vector_text_pdf_is_rasterized_at_300_dpi(tmp_path):
    pdf = write_pdf(tmp_path / "typed.pdf", [PdfPage(595, 842, text_content(["SO KHAI SINH", "Nguyen Van A"]))])
    assert b"image" not in subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True).stdout[200:]
    (page,) = split_into_pages(pdf, tmp_path / "work")
    gray = load_gray(page, page.path.read_bytes())
    assert page.dpi == 300 and abs(gray.shape[1] - 2480) <= 2 and abs(gray.shape[0] - 3508) <= 2
    rows = np.flatnonzero((gray < 128).any(axis=1))
    # The first line's baseline is 106 pt below the top edge, its capitals 17 pt tall: ink from ~370 px.
    assert 340 < rows.min() < 400 and rows.max() < 700 and (gray < 128).sum() > 5000


def test_mixed_pdf_extracts_its_scan_page_and_rasterizes_its_text_page(tmp_path):
    jpeg = io.BytesIO()
    _page(size=(1654, 2339)).save(jpeg, format="JPEG", quality=90)  # A4 at 200 dpi
    scan = PdfPage(595.44, 842.04, b"q 595.44 0 0 842.04 0 0 cm /Im0 Do Q",
                   {"Im0": PdfImage(1654, 2339, jpeg.getvalue(), "DCTDecode")})
    pdf = write_pdf(tmp_path / "mixed.pdf", [scan, PdfPage(595, 842, text_content(["Trang 2"]))])
    stream = PageStream(pdf, tmp_path / "work")
    first, second = stream.take(2)
    assert (first.dpi, first.path.suffix) == (200, ".jpg") and first.path.read_bytes() == jpeg.getvalue()
    assert second.dpi == 300 and Image.open(second.path).size[0] in range(2478, 2483)


# --- refused from the header --------------------------------------------------------------------------

BOUNDED = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from PIL import Image
    from ocr.errors import ImageTooLargeError
    from ocr.ingest import PageStream

    def vm_bytes():
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024

    # Everything imported: from here on, 300 MB more address space at most (the image decoded is 1.6 GB).
    limit = vm_bytes() + 300 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        PageStream(Path(sys.argv[1]), Path(sys.argv[2]))
    except ImageTooLargeError as error:
        print("REFUSED", error)
    try:  # the limit bites: decoding the same file is what it stops
        Image.MAX_IMAGE_PIXELS = None
        Image.open(sys.argv[1]).convert("L").load() if sys.argv[1].endswith(".png") else None
        print("DECODED")
    except MemoryError:
        print("DECODE-OUT-OF-MEMORY")
""")


@pytest.mark.parametrize("kind", ["png", "pdf"])
def test_decompression_bomb_is_refused_from_its_header_in_bounded_memory(tmp_path, kind):
    path = tmp_path / f"bomb.{kind}"
    (png_bomb if kind == "png" else pdf_with_bomb_image)(path)
    assert path.stat().st_size < 1_000_000
    done = subprocess.run([sys.executable, "-c", BOUNDED, str(path), str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    refused = [line for line in done.stdout.splitlines() if line.startswith("REFUSED")]
    assert refused, done.stdout
    assert "bomb." + kind in refused[0] and "40000×40000 pixels" in refused[0] and "megapixel limit" in refused[0]
    if kind == "png":
        assert "DECODE-OUT-OF-MEMORY" in done.stdout, "the memory limit must be one a decode would break"
    assert not any((tmp_path / "work").rglob("*")), "nothing is left in the work folder"


def test_huge_vector_page_is_refused_before_rendering(tmp_path):
    pdf = write_pdf(tmp_path / "poster.pdf", [PdfPage(14400, 14400, text_content(["x"]))])  # 200 in square
    with pytest.raises(ImageTooLargeError, match=r"poster.pdf \(page 1\).*60000×60000 pixels"):
        PageStream(pdf, tmp_path / "work")


def test_one_too_large_frame_in_a_tiff_is_named_by_its_page(tmp_path):
    path = tmp_path / "two.tif"
    _page().save(path, save_all=True, append_images=[Image.new("L", (3000, 2000), 255)], dpi=(300, 300))
    with pytest.raises(ImageTooLargeError, match=r"two.tif \(page 2\).*3000×2000 pixels.*over the 5-megapixel"):
        PageStream(path, tmp_path / "work", max_megapixels=5)


@pytest.mark.parametrize("dpi, size, expected", [
    (150, (1240, 1754), 150),   # A4 at 150 dpi: read at its resolution (cells are read at 300)
    (72, (2480, 3508), 300),    # a 300-dpi A4 scan tagged with the imaging software's 72: taken as 300
])
def test_image_resolution_from_its_tag(tmp_path, dpi, size, expected):
    path = tmp_path / "page.png"
    _page(size).save(path, dpi=(dpi, dpi))
    (page,) = split_into_pages(path, tmp_path / "work")
    assert page.dpi == expected


def test_page_scanned_under_the_minimum_resolution_is_refused(tmp_path):
    path = tmp_path / "fax.png"
    _page((595, 842)).save(path, dpi=(72, 72))  # A4 at 72 dpi
    with pytest.raises(LowResolutionError, match=r"fax.png: .*72 dpi, under the 100-dpi minimum"):
        PageStream(path, tmp_path / "work")
    jpeg = io.BytesIO()
    _page((595, 842)).save(jpeg, format="JPEG")
    pdf = write_pdf(tmp_path / "fax.pdf", [PdfPage(595, 842, b"q 595 0 0 842 0 0 cm /Im0 Do Q",
                                                   {"Im0": PdfImage(595, 842, jpeg.getvalue(), "DCTDecode")})])
    with pytest.raises(LowResolutionError, match=r"fax.pdf \(page 1\).*72 dpi"):
        PageStream(pdf, tmp_path / "work")
    assert not any((tmp_path / "work").rglob("*"))


# --- a file that changes or goes away -------------------------------------------------------------------

@pytest.fixture()
def three_page_pdf(tmp_path) -> Path:
    pages = [_page(offset=40 * n).convert("RGB") for n in range(3)]
    path = tmp_path / "book.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=150, quality=80)
    return path


@pytest.mark.parametrize("what", ["changed", "deleted"])
def test_pages_come_from_the_bytes_checksummed_at_the_start(tmp_path, three_page_pdf, what):
    original = three_page_pdf.read_bytes()
    whole = [sha256_file(p.path) for p in split_into_pages(three_page_pdf, tmp_path / "whole")]
    stream = PageStream(three_page_pdf, tmp_path / "work", expected_sha256=sha256_file(three_page_pdf))
    first = stream.take(1)
    if what == "changed":
        _page(offset=300).save(three_page_pdf, format="PDF", resolution=150)  # another scan, same name
    else:
        three_page_pdf.unlink()
    rest = stream.take(5)
    assert [sha256_file(p.path) for p in first + rest] == whole
    assert {p.source_sha256 for p in first + rest} == {stream.sha256} and stream.sha256 == _sha(original)


def test_a_file_changed_since_its_original_was_stored_is_refused(tmp_path, three_page_pdf):
    stored = sha256_file(three_page_pdf)
    _page(offset=300).save(three_page_pdf, format="PDF", resolution=150)
    with pytest.raises(SourceChangedError, match=rf"book.pdf: the file changed .*not the {stored[:12]}"):
        PageStream(three_page_pdf, tmp_path / "work", expected_sha256=stored)
    assert not any((tmp_path / "work").rglob("*")), "its private copy went with it"


def test_a_file_gone_before_it_is_read_is_named(tmp_path):
    with pytest.raises(SourceChangedError, match=r"gone.png: the file changed or went away.*no such file"):
        PageStream(tmp_path / "gone.png", tmp_path / "work")


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
