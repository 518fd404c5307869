"""Administrative-unit names inside place fields, snapped to the units the book itself names.

Tesseract often misreads a tone mark on short syllables of unit names ("huyện Nghi Lộc" → "huyện Nghỉ Lộc").
A commune's register mostly names its own commune, district and province, which the book's authority
(cơ quan đăng ký = registering authority) spells out, and the 63 old provinces are known. A unit name that
differs from exactly one of those known names by marks alone is taken to be that name. Nothing else in the
text changes, and the snapped value still has to agree with the registry to be verified.
"""

from __future__ import annotations

import re
from functools import lru_cache

from validation.text import nfc, strip_diacritics
from validation.vocab import current_province, old_provinces

#: Fields that name places: nơi sinh = place of birth, quê quán = hometown, nơi cư trú = residence.
PLACE_FIELDS: tuple[str, ...] = ("place_of_birth", "hometown", "mother_residence", "father_residence")

UNIT_WORDS = ("thị trấn", "thị xã", "thành phố", "phường", "xã", "quận", "huyện", "tỉnh", "TP.")
_UNIT_RE = re.compile(
    r"(?P<unit>\b(?:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r"))\s+(?P<name>[^,;()]+)",
    re.IGNORECASE,
)


def unit_names(authority: str) -> set[str]:
    """The unit names an authority string spells out: "UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"
    → {"Nghi Phong", "Nghi Lộc", "Nghệ An"}."""
    return {m["name"].strip() for m in _UNIT_RE.finditer(nfc(authority)) if m["name"].strip()}


@lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    return frozenset(p.old_name for p in old_provinces()) | frozenset(p.new_name for p in old_provinces())


def _key(name: str) -> str:
    return " ".join(strip_diacritics(name).casefold().split())


def snap_unit_names(text: str, known: set[str]) -> str:
    """``text`` with each unit name that matches exactly one known name but for its marks replaced by it."""
    names = known | _province_names()
    by_key: dict[str, set[str]] = {}
    for name in names:
        by_key.setdefault(_key(name), set()).add(name)

    def replace(match: re.Match) -> str:
        name = match["name"].rstrip()
        trailing = match["name"][len(name):]
        candidates = by_key.get(_key(name), set())
        if name in names or len(candidates) != 1:
            return match.group(0)
        return f"{match['unit']} {next(iter(candidates))}{trailing}"

    return _UNIT_RE.sub(replace, nfc(text))


def province_layers(text: str | None) -> dict[str, str | None] | None:
    """A place as the book wrote it and the province it lies in, then and since 1 July 2025.

    "xã Tân Phú, huyện Đức Hòa, tỉnh Long An" → as_written (never altered), province "Long An",
    current_province "Tây Ninh". The last unit of the text is taken as the province; None when no
    province can be recognised (the reviewer sees the text as written).
    """
    if not text:
        return None
    units = [m for m in _UNIT_RE.finditer(nfc(text))]
    last = units[-1] if units else None
    province = last["name"].strip() if last is not None else None
    current = current_province(province) if province else None
    return {
        "as_written": text,
        "province": province if current else None,
        "current_province": current,
    }
