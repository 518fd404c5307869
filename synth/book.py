"""generate_book: one synthetic scanned birth register (sổ đăng ký khai sinh) with its ground truth and registry.

Writes into out_dir: scans/book.pdf (or scans/page-001.png …), truth.jsonl, registry.jsonl,
discrepancies.jsonl and book.json. The same arguments and seed give the same files, byte for byte.

The book's style (synth.style) is drawn from the seed unless forced; the truth records what its pages print
(synth.printing), the registry keeps its own spelling (old tone placement, ISO dates).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from validation.orthography import with_tone_placement
from validation.schema import FORM_FIELDS

from synth.draw import choose_style
from synth.entries import BookContext, make_entries
from synth.form_page import entries_per_page, render_form_page
from synth.people import nfc
from synth.places import COMMUNES, authority_of, commune_for_authority
from synth.printing import TEXT_FIELDS, printed_entry, volume_text
from synth.registry import build_registry
from synth.scan import QUALITIES, Degradation, ImageFormat, bake_jpeg, degrade, jpeg_quality, page_qualities, write_scans
from synth.style import fonts_for, resolve_style
from synth.table_page import render_table_page

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


def _slots(style: dict[str, Any], layout: str, pages: int, rng: random.Random) -> list[list[str]]:
    """Each page's row slots: "entry", or for tables "blank" (a ruled row left empty), "voided" (crossed out
    or marked Bỏ trống) and "carried" (a first row "Trang trước chuyển sang" = carried over from the previous
    page); no slot is drawn for classic books, so their entry counts stay as they were."""
    per_page = style["rows_per_page"] if layout == "table" else entries_per_page(style)
    plan = []
    for page_no in range(1, pages + 1):
        slots = ["entry"] * per_page
        if layout == "table" and style["carried_row"] and page_no > 1:
            slots[0] = "carried"
        if layout == "table":
            if style["blank_rows"] and rng.random() < 0.5:
                slots[rng.randrange(1, per_page)] = "blank"
            if style["voided_rows"] != "none" and rng.random() < 0.4:
                slots[rng.randrange(1, per_page)] = "voided"
        plan.append(slots)
    return plan


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
    volume: int | str = 1,
    dpi: int | None = None,
    upside_down_pages: int | None = None,
    style: str | dict[str, Any] | None = None,
    quality: Degradation | None = None,
) -> BookFiles:
    """Render a synthetic book of `pages` pages and write its scans, truth, registry and discrepancies.

    style: None draws every axis from the seed; "classic" is today's fixed style; a dict forces the axes it
    names (on a drawn style, or on the classic one with "preset": "classic"). quality (clean, light, degraded,
    mixed, heavy) overrides `degradation`, which keeps its old names for existing callers.
    """
    if layout not in ("table", "form"):
        raise ValueError(f"unknown layout {layout!r}: expected 'table' or 'form'")
    quality = quality or degradation
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r}: expected {', '.join(QUALITIES)}")
    if image_format not in ("pdf", "png", "jpeg", "tiff"):
        raise ValueError(f"unknown image format {image_format!r}: expected pdf, png, jpeg or tiff")
    if pages < 1:
        raise ValueError("a book needs at least one page")
    out_dir = Path(out_dir)
    rng = random.Random(f"sohoa-synth/{layout}/{seed}")
    # The style, the printed spellings and the page qualities have generators of their own, so a classic
    # book draws from `rng` exactly what books drew before the style matrix.
    style_rng = random.Random(f"sohoa-synth/style/{layout}/{seed}")
    print_rng = random.Random(f"sohoa-synth/print/{layout}/{seed}")
    pixels_rng = np.random.default_rng([seed, 0 if layout == "table" else 1])

    if authority is None:
        commune = rng.choice(COMMUNES)
        authority = authority_of(commune)
    else:
        authority = nfc(authority)
        commune = commune_for_authority(authority, rng)
    if year is None:
        year = rng.randint(2005, 2014) if layout == "table" else rng.randint(2016, 2024)
    dpi_drawn = dpi is None
    if dpi is None:
        dpi = 300 if quality == "clean" else rng.choice(DPI_CHOICES)
    if upside_down_pages is None:
        upside_down_pages = 1 if pages >= 8 and quality != "clean" else 0
    upside_down = sorted(rng.sample(range(2, pages + 1), min(upside_down_pages, pages - 1)))
    layout_style = resolve_style(layout, style, style_rng)
    if dpi_drawn and layout_style["page_size"] == "A3":
        dpi = min(dpi, 300)  # A3 sheets are scanned at 300 dpi at most (a 400-dpi A3 page is ~90 MB in memory)
    fonts = fonts_for(layout_style, choose_style(rng))
    layout_style.update(values="typewriter" if fonts.typewriter else "handwritten" if fonts.handwritten else "typed",
                        printed_font=fonts.printed_family, value_font=fonts.value_family)
    grayscale = quality in ("degraded", "heavy") and rng.random() < 0.5
    book_jpeg = jpeg_quality(quality, pixels_rng)
    per_page_quality = page_qualities(quality, pages, style_rng)

    fields = tuple(layout_style["columns"]) if layout == "table" else FORM_FIELDS
    ctx = BookContext(authority=authority, year=year, volume=volume, commune=commune, layout=layout, fields=fields)
    plan = _slots(layout_style, layout, pages, style_rng)
    capacity = [slots.count("entry") for slots in plan]
    count = sum(capacity[:-1]) + rng.randint((capacity[-1] + 1) // 2, capacity[-1])
    entries = make_entries(ctx, count, rng)
    registry, discrepancies = build_registry(entries, ctx, rng)
    for record in registry:  # the registry's own spelling: one (old) tone placement
        for name in TEXT_FIELDS:
            if isinstance(record.get(name), str):
                record[name] = with_tone_placement(record[name], "old")
    truth = [printed_entry(entry, fields, layout_style, print_rng) for entry in entries]
    by_no = {t["entry_no"]: t for t in truth}
    for d in discrepancies:
        if d["type"] == "field_differs":  # the book's side as the page prints it
            d["book_value"] = by_no[d["entry_no"]][d["field"]]

    render = render_table_page if layout == "table" else render_form_page
    pending = iter(truth)
    images, back = [], None
    for page_no, slots in enumerate(plan, start=1):
        # Entry slots past the book's last entry are ruled rows left blank.
        on_page = [(next(pending, None) or "blank") if slot == "entry" else slot for slot in slots]
        for slot in on_page:
            if isinstance(slot, dict):
                slot["page"] = page_no
        if layout == "form":
            on_page = [slot for slot in on_page if isinstance(slot, dict)]
        page_rng = random.Random(f"{seed}/{layout}/page/{page_no}")
        image = render(on_page, page_no=page_no, year=year, volume=volume_text(volume), dpi=dpi,
                       style=fonts, rng=page_rng, layout_style=layout_style, authority=authority)
        page_quality = per_page_quality[page_no - 1]
        scanned = degrade(image, page_quality, np.random.default_rng([seed, page_no, len(layout)]),
                          upside_down=page_no in upside_down, grayscale=grayscale, back=back)
        if quality == "mixed" and page_quality == "degraded":  # a worse page of the batch, compressed harder
            scanned = bake_jpeg(scanned, int(pixels_rng.integers(35, 61)))
        images.append(scanned)
        back = image

    out_dir.mkdir(parents=True, exist_ok=True)
    scans = write_scans(images, out_dir / "scans", image_format=image_format, dpi=dpi, quality=book_jpeg,
                        degradation=quality, year=year)
    book = {
        **ctx.keys,
        "layout": layout,
        "dpi": dpi,
        "seed": seed,
        "pages": pages,
        "entries": len(truth),
        "degradation": quality,
        "quality": quality,
        "page_quality": per_page_quality,
        "image_format": image_format,
        "jpeg_quality": book_jpeg,
        "upside_down_pages": upside_down,
        "grayscale": grayscale,
        "fonts": {"printed": fonts.printed_family, "values": fonts.value_family,
                  "values_handwritten": fonts.handwritten, "values_typewriter": fonts.typewriter},
        "style": layout_style,
    }
    files = BookFiles(scans=scans, truth=out_dir / "truth.jsonl", registry=out_dir / "registry.jsonl",
                      discrepancies=out_dir / "discrepancies.jsonl", book=book)
    _write_jsonl(files.truth, truth)
    _write_jsonl(files.registry, registry)
    _write_jsonl(files.discrepancies, discrepancies)
    (out_dir / "book.json").write_text(json.dumps(book, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return files
