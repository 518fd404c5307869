"""Ingest: pages out of PDFs and images, and bad files refused with a typed error that names the file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ocr.errors import CorruptFileError, EmptyFileError, EncryptedPdfError, NotAnImageError, SohoaInputError
from ocr.ingest import sha256_file, split_into_pages


def _pages(count: int, size=(1654, 1169)) -> list[Image.Image]:
    pages = []
    for number in range(count):
        page = Image.new("RGB", size, "white")
        ImageDraw.Draw(page).rectangle([100 + 40 * number, 100, 600, 500], outline="black", width=4)
        pages.append(page)
    return pages


@pytest.fixture()
def scan_pdf(tmp_path) -> Path:
    pages = _pages(3)
    path = tmp_path / "book.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=150, quality=80)
    return path


def test_pdf_of_scans_is_split_with_its_dpi(scan_pdf, tmp_path):
    pages = split_into_pages(scan_pdf, tmp_path / "work")
    assert [p.page_in_file for p in pages] == [1, 2, 3]
    assert all(p.dpi == 150 and p.source_file == scan_pdf for p in pages)
    assert all(p.path.suffix == ".jpg" for p in pages), "embedded JPEGs are extracted as they are"
    sizes = {Image.open(p.path).size for p in pages}
    assert sizes == {(1654, 1169)}
    # Each page keeps its own image (the frames are drawn at different places).
    assert len({sha256_file(p.path) for p in pages}) == 3


def test_pdf_with_vector_content_is_rasterized_at_300_dpi(tmp_path):
    pdf = tmp_path / "vector.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    with open(pdf, "wb") as handle:
        writer.write(handle)
    pages = split_into_pages(pdf, tmp_path / "work")
    assert [p.page_in_file for p in pages] == [1, 2]
    assert all(p.dpi == 300 for p in pages)
    width, height = Image.open(pages[0].path).size
    assert abs(width - 2480) <= 2 and abs(height - 3508) <= 2


def test_multipage_tiff_gives_one_page_each(tmp_path):
    pages = _pages(2)
    path = tmp_path / "scan.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(200, 200), compression="raw")
    result = split_into_pages(path, tmp_path / "work")
    assert [(p.page_in_file, p.dpi) for p in result] == [(1, 200), (2, 200)]
    assert all(p.path.is_file() for p in result)


def test_single_image_is_its_own_page_read_from_a_private_copy(tmp_path):
    path = tmp_path / "page.png"
    _pages(1)[0].save(path, dpi=(400, 400))
    (page,) = split_into_pages(path, tmp_path / "work")
    assert page.source_file == path and page.dpi == 400 and page.page_in_file == 1
    assert page.path.parent == tmp_path / "work" and page.path.read_bytes() == path.read_bytes()
    assert page.source_sha256 == sha256_file(path)


def _bad_files(tmp_path: Path, scan_pdf: Path) -> dict[str, type[SohoaInputError]]:
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "truncated.pdf").write_bytes(scan_pdf.read_bytes()[:1500])
    (tmp_path / "notes.jpg").write_text("this is a text file, not a scan\n", encoding="utf-8")
    good_png = tmp_path / "good.png"
    _pages(1)[0].save(good_png)
    (tmp_path / "truncated.png").write_bytes(good_png.read_bytes()[:3000])
    subprocess.run(["qpdf", "--encrypt", "secret", "secret", "256", "--", str(scan_pdf), str(tmp_path / "locked.pdf")],
                   check=True)
    return {"empty.pdf": EmptyFileError, "truncated.pdf": CorruptFileError, "notes.jpg": NotAnImageError,
            "truncated.png": CorruptFileError, "locked.pdf": EncryptedPdfError}


def test_bad_files_raise_typed_errors_naming_the_file(tmp_path, scan_pdf):
    for name, expected in _bad_files(tmp_path, scan_pdf).items():
        with pytest.raises(expected) as caught:
            split_into_pages(tmp_path / name, tmp_path / "work")
        assert type(caught.value) is expected, name
        assert name in str(caught.value)
        assert caught.value.exit_code > 0


def test_error_classes_have_distinct_exit_codes():
    classes = SohoaInputError.__subclasses__()
    assert len(classes) >= 6
    assert len({cls.exit_code for cls in classes}) == len(classes)
