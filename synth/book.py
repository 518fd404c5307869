"""generate_book: one synthetic scanned birth register (sổ đăng ký khai sinh) with its ground truth and registry.

Writes into out_dir: scans/book.pdf (or scans/page-001.png …), truth.jsonl, registry.jsonl,
discrepancies.jsonl and book.json. The same arguments and seed give the same files, byte for byte.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from synth.draw import choose_style
from synth.entries import BookContext, make_entries
from synth.form_page import ENTRIES_PER_PAGE, render_form_page
from synth.people import nfc
from synth.places import COMMUNES, authority_of, commune_for_authority
from synth.registry import build_registry
from synth.scan import Degradation, ImageFormat, degrade, jpeg_quality, write_scans
from synth.table_page import ROWS_PER_PAGE, render_table_page

DPI_CHOICES = (200, 240, 300, 300, 300, 360, 400)


@dataclass
class BookFiles:
    """What generate_book wrote. `book` holds the book keys plus layout, dpi, seed and how the scans were made."""

    scans: list[Path]
    truth: Path
    registry: Path
    discrepancies: Path
    book: dict[str, Any]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def generate_book(
    out_dir: Path,
    *,
    layout: Literal["table", "form"],
    pages: int = 10,
    seed: int = 0,
    degradation: Degradation = "light",
    image_format: ImageFormat = "pdf",
    authority: str | None = None,
    year: int | None = None,
    volume: int = 1,
    dpi: int | None = None,
    upside_down_pages: int | None = None,
) -> BookFiles:
    """Render a synthetic book of `pages` pages and write its scans, truth, registry and discrepancies."""
    if layout not in ("table", "form"):
        raise ValueError(f"unknown layout {layout!r}: expected 'table' or 'form'")
    if degradation not in ("clean", "light", "degraded"):
        raise ValueError(f"unknown degradation {degradation!r}: expected clean, light or degraded")
    if image_format not in ("pdf", "png", "jpeg", "tiff"):
        raise ValueError(f"unknown image format {image_format!r}: expected pdf, png, jpeg or tiff")
    if pages < 1:
        raise ValueError("a book needs at least one page")
    out_dir = Path(out_dir)
    rng = random.Random(f"sohoa-synth/{layout}/{seed}")
    pixels_rng = np.random.default_rng([seed, 0 if layout == "table" else 1])

    if authority is None:
        commune = rng.choice(COMMUNES)
        authority = authority_of(commune)
    else:
        authority = nfc(authority)
        commune = commune_for_authority(authority, rng)
    if year is None:
        year = rng.randint(2005, 2014) if layout == "table" else rng.randint(2016, 2024)
    if dpi is None:
        dpi = 300 if degradation == "clean" else rng.choice(DPI_CHOICES)
    if upside_down_pages is None:
        upside_down_pages = 1 if pages >= 8 and degradation != "clean" else 0
    upside_down = sorted(rng.sample(range(2, pages + 1), min(upside_down_pages, pages - 1)))
    style = choose_style(rng)
    grayscale = degradation == "degraded" and rng.random() < 0.5
    quality = jpeg_quality(degradation, pixels_rng)

    ctx = BookContext(authority=authority, year=year, volume=volume, commune=commune, layout=layout)
    per_page = ROWS_PER_PAGE if layout == "table" else ENTRIES_PER_PAGE
    count = (pages - 1) * per_page + rng.randint((per_page + 1) // 2, per_page)
    entries = make_entries(ctx, count, rng)
    for index, entry in enumerate(entries):
        entry["page"] = index // per_page + 1
    registry, discrepancies = build_registry(entries, ctx, rng)

    render = render_table_page if layout == "table" else render_form_page
    images = []
    for page_no in range(1, pages + 1):
        on_page = entries[(page_no - 1) * per_page : page_no * per_page]
        page_rng = random.Random(f"{seed}/{layout}/page/{page_no}")
        image = render(on_page, page_no=page_no, year=year, volume=volume, dpi=dpi, style=style, rng=page_rng)
        images.append(degrade(image, degradation, np.random.default_rng([seed, page_no, len(layout)]),
                              upside_down=page_no in upside_down, grayscale=grayscale))

    out_dir.mkdir(parents=True, exist_ok=True)
    scans = write_scans(images, out_dir / "scans", image_format=image_format, dpi=dpi, quality=quality,
                        degradation=degradation, year=year)
    book = {
        **ctx.keys,
        "layout": layout,
        "dpi": dpi,
        "seed": seed,
        "pages": pages,
        "entries": len(entries),
        "degradation": degradation,
        "image_format": image_format,
        "jpeg_quality": quality,
        "upside_down_pages": upside_down,
        "grayscale": grayscale,
        "fonts": {"printed": style.printed_family, "values": style.value_family,
                  "values_handwritten": style.handwritten},
    }
    files = BookFiles(scans=scans, truth=out_dir / "truth.jsonl", registry=out_dir / "registry.jsonl",
                      discrepancies=out_dir / "discrepancies.jsonl", book=book)
    _write_jsonl(files.truth, entries)
    _write_jsonl(files.registry, registry)
    _write_jsonl(files.discrepancies, discrepancies)
    (out_dir / "book.json").write_text(json.dumps(book, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return files
