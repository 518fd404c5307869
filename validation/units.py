"""The administrative units old books name: 63 provinces, their districts and communes, before July 2025.

Data: ``data/units_2024.csv`` (tỉnh = province, huyện/quận/thị xã/thành phố = district, xã/phường/thị trấn =
commune), taken from the ``vietnam-provinces`` package release 0.6.0 (its nested-divisions.json, the units
as they stood in 2023-24; release 2025 and later hold only the units after the reorganisation). Units merged
away before then are not in it, so a name that is not found is no error: it stays as read.

A place names its units from the smallest up ("xã Thanh Xương, huyện Điện Biên, tỉnh Điện Biên"), so each
unit's name is looked for among the units of the one after it: a misread commune name is compared with the
twenty-odd communes of its district, not with ten thousand.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from validation.orthography import canonical
from validation.text import nfc, strip_diacritics

PROVINCE_WORDS = frozenset({"tỉnh", "thành phố"})
DISTRICT_WORDS = frozenset({"huyện", "quận", "thị xã", "thành phố"})
COMMUNE_WORDS = frozenset({"xã", "phường", "thị trấn"})


Index = dict[str, dict[str, str]]  # bare key (no marks, casefolded) → comparison form → spelling


@dataclass
class UnitTree:
    """Unit names by level and parent, each indexed by its bare key (see ``bare_key``)."""

    provinces: Index = field(default_factory=dict)
    districts: dict[str, Index] = field(default_factory=lambda: defaultdict(dict))  # by province form
    communes: dict[tuple[str, str], Index] = field(default_factory=lambda: defaultdict(dict))  # by (province, district)
    province_communes: dict[str, Index] = field(default_factory=lambda: defaultdict(dict))
    all_districts: Index = field(default_factory=dict)
    all_communes: Index = field(default_factory=dict)
    #: Provinces (comparison forms) ruled as cities, thành phố trực thuộc trung ương: those with urban
    #: districts (quận).
    cities: set[str] = field(default_factory=set)


def bare_key(name: str) -> str:
    return " ".join(strip_diacritics(name).casefold().split())


def _add(index: Index, name: str) -> None:
    index.setdefault(bare_key(name), {})[canonical(name)] = name


def index_of(names) -> Index:
    """``names`` indexed by bare key; of two with one comparison form, the later one's spelling stays."""
    index: Index = {}
    for name in names:
        _add(index, name)
    return index


@lru_cache(maxsize=1)
def unit_tree() -> UnitTree:
    text = resources.files("validation").joinpath("data", "units_2024.csv").read_text(encoding="utf-8")
    tree = UnitTree()
    for row in csv.DictReader(text.splitlines()):
        province, district, commune = (nfc(row[k].strip()) for k in ("province", "district", "commune"))
        p, d = canonical(province), canonical(district)
        _add(tree.provinces, province)
        _add(tree.districts[p], district)
        _add(tree.all_districts, district)
        if row["district_type"].strip() == "quận":
            tree.cities.add(p)
        if commune:
            for index in (tree.communes[(p, d)], tree.province_communes[p], tree.all_communes):
                _add(index, commune)
    return tree


def province_word(name: str) -> str | None:
    """The word a place names a province with: thành phố for the cities (Hà Nội), tỉnh for the others; None
    for a name that is no province of the tree."""
    tree = unit_tree()
    if not tree.provinces.get(bare_key(name), {}).get(canonical(name)):
        return None
    return "thành phố" if canonical(name) in tree.cities else "tỉnh"


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """Every word of every unit's name in the tree, bare ("phuc", "xa"): what a place's name may be made of."""
    tree = unit_tree()
    return frozenset(word for index in (tree.provinces, tree.all_districts, tree.all_communes)
                     for key in index for word in key.split())


def candidate_tiers(level_word: str, district: str | None, province: str | None) -> list[Index]:
    """Where the name of a unit introduced by ``level_word`` (xã, huyện, tỉnh…) is looked up, from the
    narrowest list to the widest: the units of the district and province already recognised after it in
    the place, then of its province alone, then of the whole country. A unit moved between districts or
    merged away is still found in a wider list."""
    tree = unit_tree()
    word = level_word.casefold()
    p = canonical(province) if province else None
    tiers: list[Index] = []
    if word in COMMUNE_WORDS:
        if p is not None and district is not None:
            tiers.append(tree.communes.get((p, canonical(district)), {}))
        if p is not None:
            tiers.append(tree.province_communes.get(p, {}))
        tiers.append(tree.all_communes)
    elif word in DISTRICT_WORDS:
        if p is not None:
            tiers.append(tree.districts.get(p, {}))
        tiers.append(tree.all_districts)
    if word in PROVINCE_WORDS:
        tiers.append(tree.provinces)
    return tiers or [{}]
