"""Page sizes, margins and the header block printed above a page's table or form blocks.

Header styles: "title" (the book title and a year/volume line: today's pages), "authority" (the registering
authority's lines, ủy ban nhân dân = People's Committee, at the top left), "national" (the national name and
motto, quốc hiệu and tiêu ngữ, at the top right) and "full" (both).
"""

from __future__ import annotations

import random
from typing import Any

from validation.orthography import with_tone_placement

from synth.draw import Pen
from synth.printing import placement_for
from synth.style import MARGINS
from synth.wordings import NATIONAL_MOTTO

PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}


def page_mm(style: dict[str, Any]) -> tuple[float, float]:
    """(width, height) of the page in millimetres."""
    short, long = PAPER_MM[style["page_size"]]
    return (long, short) if style["orientation"] == "landscape" else (short, long)


def margin_scale(style: dict[str, Any]) -> float:
    return MARGINS[style["margins"]]


def authority_lines(authority: str) -> list[str]:
    """'UBND xã Tân Phú, huyện Đức Hòa, tỉnh Long An' → ['UBND HUYỆN ĐỨC HÒA', 'UBND XÃ TÂN PHÚ']."""
    parts = [p.strip() for p in authority.removeprefix("UBND").split(",") if p.strip()]
    if len(parts) >= 2:
        return [f"UBND {parts[1]}".upper(), f"UBND {parts[0]}".upper()]
    return ["ỦY BAN NHÂN DÂN", parts[0].upper() if parts else ""]


def draw_header_block(pen: Pen, style: dict[str, Any], *, top: float, left: float, right: float, year: int,
                      volume: str, authority: str, rng: random.Random) -> float:
    """Draw a non-classic header block from `top`; returns the y (mm) below it where the page body starts."""
    placement = placement_for(style, rng)
    spell = lambda text: with_tone_placement(text, placement)  # noqa: E731 - the page's own spelling
    small = pen.font(9.5, "bold")
    y = top + 4.5
    third = (right - left) / 3
    if style["header"] in ("authority", "full"):
        for i, line in enumerate(authority_lines(authority)):
            pen.printed(left + third / 2, y + i * 5, spell(line), small, anchor="ms")
        pen.line(left + third / 2 - 12, y + 6.5, left + third / 2 + 12, y + 6.5, 0.25)
    if style["header"] in ("national", "full"):
        centre = right - third * 0.75
        pen.printed(centre, y, spell(NATIONAL_MOTTO[0]), small, anchor="ms")
        pen.printed(centre, y + 5, spell(NATIONAL_MOTTO[1]), pen.font(10, "bold"), anchor="ms")
        pen.line(centre - 22, y + 6.5, centre + 22, y + 6.5, 0.25)
    y += 15
    middle = (left + right) / 2
    pen.printed(middle, y, spell(style["title"]), pen.font(15, "bold"), anchor="ms")
    pen.printed(middle, y + 6.5, f"Năm: {year}        Quyển số: {volume}", pen.font(10.5), anchor="ms")
    return y + 10
