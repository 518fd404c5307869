"""Streaming ingest: a scan file's pages extracted a few at a time, each byte for byte what extracting the
whole file gives, and never more pages on disk than were asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ocr.ingest import PageStream, sha256_file, split_into_pages


def _pages(count: int) -> list[Image.Image]:
    pages = []
    for number in range(count):
        page = Image.new("L", (1200, 900), 255)
        ImageDraw.Draw(page).rectangle([80 + 30 * number, 80, 500, 400], outline=0, width=4)
        pages.append(page)
    return pages


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("kind", ["scan-pdf", "vector-pdf", "tiff"])
def test_pages_come_a_few_at_a_time_as_the_whole_file_gives_them(tmp_path, kind):
    source = tmp_path / ("book.tiff" if kind == "tiff" else "book.pdf")
    if kind == "vector-pdf":
        from pypdf import PdfWriter

        writer = PdfWriter()
        for _ in range(5):
            writer.add_blank_page(width=200, height=150)
        with open(source, "wb") as handle:
            writer.write(handle)
    else:
        pages = _pages(5)
        pages[0].save(source, save_all=True, append_images=pages[1:], resolution=150,
                      **({"quality": 80} if kind == "scan-pdf" else {"compression": "tiff_lzw"}))
    whole = {p.page_in_file: sha256_file(p.path) for p in split_into_pages(source, tmp_path / "whole")}

    stream = PageStream(source, tmp_path / "work")
    assert stream.count == 5 and _files(tmp_path / "work") == [stream.copy], \
        "nothing but the private copy is there before a page is asked for"
    seen = {}
    for ask in (2, 2, 2):
        got = stream.take(ask)
        pages_on_disk = [p for p in _files(tmp_path / "work") if p != stream.copy]
        assert len(pages_on_disk) == len(got) <= ask
        for page in got:
            seen[page.page_in_file] = sha256_file(page.path)
            page.path.unlink()
    assert stream.remaining == 0 and stream.take(3) == []
    assert seen == whole
    assert _files(tmp_path / "work") == [], "the private copy goes with the last page"
