"""Closed vocabularies: the 54 ethnic groups (dân tộc = ethnic group) and the 63 → 34 province crosswalk.

The tables are transcribed in ``validation/data/`` (see the domain facts, sections B3–B5) and loaded once.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from validation.text import DIGIT_LOOKALIKES, LOOKALIKE_LETTERS, fold_key, nfc, strip_diacritics

#: Score given to a reading that equals an official name or a listed variant once case, spaces and
#: hyphens are ignored; to one that equals a name only without diacritics; fuzzy matches score below.
EXACT_SCORE = 100.0
WITHOUT_DIACRITICS_SCORE = 90.0


@dataclass(frozen=True)
class EthnicGroup:
    code: str  # 2-digit code per QĐ 121-TCTK/PPCĐ (1979)
    name: str  # official spelling, e.g. "Khơ-me"
    variants: tuple[str, ...]


@dataclass(frozen=True)
class OldProvince:
    """One of the 63 provinces before 1 July 2025, with the 34-province unit it belongs to now."""

    old_code: str
    id_prefix: str  # first three digits of a personal ID registered there
    old_name: str
    new_code: str
    new_name: str
    note: str


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("validation").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    groups = []
    for row in _read_csv("ethnic_groups.csv"):
        variants = tuple(nfc(v.strip()) for v in re.split(r"[;|]", row.get("variants") or "") if v.strip())
        groups.append(EthnicGroup(code=row["code"].strip(), name=nfc(row["name"].strip()), variants=variants))
    return tuple(groups)


#: Common written forms beside the listed variants.
EXTRA_VARIANTS = {"08": ("H'Mông",)}


def _spellings(group: EthnicGroup) -> tuple[str, ...]:
    return (group.name, *group.variants, *EXTRA_VARIANTS.get(group.code, ()))


@lru_cache(maxsize=1)
def _ethnic_keys() -> tuple[dict[str, EthnicGroup], dict[str, list[EthnicGroup]]]:
    """Lookup keys: exact (diacritics kept) → group; without diacritics → groups sharing that key."""
    exact: dict[str, EthnicGroup] = {}
    bare: dict[str, list[EthnicGroup]] = {}
    for group in ethnic_groups():
        for spelling in _spellings(group):
            exact[fold_key(spelling)] = group
            members = bare.setdefault(fold_key(strip_diacritics(spelling)), [])
            if group not in members:
                members.append(group)
    return exact, bare


def spellings_it_may_be(name: str) -> frozenset[str]:
    """The listed spellings of the ethnic group ``name`` spells that a reading of ``name`` may be: those that
    differ from it only in case, spaces, hyphens or apostrophes ("Ê-đê" and "Ê đê"), and those it is with
    letters lost (a reading "Mông" of a book's "Hmông")."""
    key = fold_key(name)
    group = _ethnic_keys()[0].get(key)
    if group is None:
        return frozenset()
    return frozenset(s for s in _spellings(group) if _is_subsequence(key, fold_key(s)))


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(letter in letters for letter in short)


def official_ethnic_names() -> frozenset[str]:
    return frozenset(g.name for g in ethnic_groups())


def ethnic_group(name: str, min_score: float = 75.0) -> tuple[str, str, float] | None:
    """The ethnic group a (possibly misread) name denotes: (code, official name, score 0..100), or None.

    100 = the official name or a listed variant (ignoring case, spaces, hyphens); 90 = equal once diacritics
    are ignored and only one group fits; below that a fuzzy match, accepted only when clearly better than the
    runner-up, so that a reading between two groups stays unresolved.
    """
    if not name or not name.strip():
        return None
    exact, bare = _ethnic_keys()
    key = fold_key(name)
    if key in exact:
        group = exact[key]
        return group.code, group.name, EXACT_SCORE
    candidates = bare.get(fold_key(strip_diacritics(name)), [])
    if len(candidates) == 1:
        return candidates[0].code, candidates[0].name, WITHOUT_DIACRITICS_SCORE
    # An m read for "in", "ni", "rn" (letters run together in a hand) or for an n: one group alone fits.
    spelled = {g.code: g for reading in _split_m(strip_diacritics(name))
               for g in bare.get(fold_key(reading), [])}
    if len(spelled) == 1:
        group = next(iter(spelled.values()))
        return group.code, group.name, WITHOUT_DIACRITICS_SCORE - 1
    # Glyphs read for letters of a typed name: a digit, a stray stroke after the word, two narrow letters
    # for an m ("Tha1", "ThaỉI", "Khơ íne"): one group alone fits.
    spelled = {g.code: g for reading in _lookalike_readings(strip_diacritics(name))
               for g in bare.get(fold_key(reading), [])}
    if len(spelled) == 1:
        group = next(iter(spelled.values()))
        return group.code, group.name, WITHOUT_DIACRITICS_SCORE - 2
    # One letter of a hand read as its look-alike ("lày", "Tờy" for Tày: a t's bar lost, an a closed at the top).
    spelled = {g.code: g for reading in _one_lookalike_swapped(strip_diacritics(name))
               for g in bare.get(fold_key(reading), [])}
    if len(spelled) == 1:
        group = next(iter(spelled.values()))
        return group.code, group.name, WITHOUT_DIACRITICS_SCORE - 3
    best = process.extract(key, list(exact), scorer=fuzz.ratio, limit=None)
    by_group: dict[str, float] = {}
    for choice, score, _ in best:
        group = exact[choice]
        by_group[group.code] = max(by_group.get(group.code, 0.0), score)
    ranked = sorted(by_group.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < min_score:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 10:
        return None
    code, score = ranked[0]
    group = next(g for g in ethnic_groups() if g.code == code)
    return group.code, group.name, min(score, WITHOUT_DIACRITICS_SCORE - 1)


def _lookalike_readings(text: str) -> set[str]:
    """The readings with its digits taken for the letters they look like, without a stroke read after its
    last letter (a digit, I or l: "Thai1"), and with two narrow letters taken for an m ("Kho ine")."""
    readings = {text}
    for digit, letters in DIGIT_LOOKALIKES.items():
        readings |= {r.replace(digit, letter) for r in readings for letter in set(letters.lower())}
    readings |= {re.sub(r"(?<=[a-z])[0-9Il|]$", "", r) for r in readings}
    readings |= {re.sub(r"(?:in|ni|rn)", "m", r) for r in readings}
    return readings - {text}


def _one_lookalike_swapped(text: str) -> set[str]:
    """The readings with one letter taken for the letter it looks like (``LOOKALIKE_LETTERS``), in its case."""
    readings = set()
    for i, ch in enumerate(text):
        for pair in LOOKALIKE_LETTERS:
            if ch.lower() in pair and len(pair) == 2:
                other = next(iter(pair - {ch.lower()}))
                readings.add(text[:i] + (other.upper() if ch.isupper() else other) + text[i + 1:])
    return readings


def _split_m(text: str) -> set[str]:
    """The readings with one "m" taken for the letters OCR confuses it with."""
    return {text[:i] + pair + text[i + 1:] for i, ch in enumerate(text) if ch in "mM"
            for pair in (("in", "ni", "rn", "n") if ch == "m" else ("In", "Ni", "Rn", "N"))}


@lru_cache(maxsize=1)
def old_provinces() -> tuple[OldProvince, ...]:
    return tuple(
        OldProvince(
            old_code=row["old_code"].strip(),
            id_prefix=row["id_prefix"].strip(),
            old_name=nfc(row["old_name"].strip()),
            new_code=row["new_code"].strip(),
            new_name=nfc(row["new_name"].strip()),
            note=row["note"].strip(),
        )
        for row in _read_csv("provinces_2025.csv")
    )


@lru_cache(maxsize=1)
def id_prefixes() -> frozenset[str]:
    """The 63 three-digit province codes that start a personal ID (TT 07/2016/TT-BCA Phụ lục 1)."""
    return frozenset(p.id_prefix for p in old_provinces())


def id_prefixes_of(province: str | None) -> frozenset[str]:
    """The codes that start a personal ID registered in a province named as before or since 1 July 2025:
    "Long An" → {"080"}; "Tuyên Quang" → {"008", "002"} (Hà Giang's IDs too, now in it); none if unknown."""
    if not province:
        return frozenset()
    key = _province_key(province)
    return frozenset(p.id_prefix for p in old_provinces()
                     if key in (_province_key(p.old_name), _province_key(p.new_name)))


def province_by_id_prefix(prefix: str) -> OldProvince | None:
    """The old province whose code starts a personal ID, e.g. "001" → Hà Nội; None if unknown."""
    prefix = prefix.strip()
    return next((p for p in old_provinces() if p.id_prefix == prefix), None)


_UNIT_PREFIX_RE = re.compile(r"^(tỉnh|thành phố|tp\.?|t\.p\.?)\s*", re.IGNORECASE)
_NAME_ALIASES = {
    "thừathiênhuế": "Thừa Thiên Huế",
    "tthuế": "Thừa Thiên Huế",
    "hồchíminh": "Hồ Chí Minh",
    "hcm": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh",
    "sàigòn": "Hồ Chí Minh",
    "bàrịavũngtàu": "Bà Rịa - Vũng Tàu",
    "brvt": "Bà Rịa - Vũng Tàu",
}


def _province_key(name: str) -> str:
    text = nfc(name).strip()
    while True:
        stripped = _UNIT_PREFIX_RE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return fold_key(text)


@lru_cache(maxsize=1)
def _province_index() -> dict[str, str]:
    """Lookup key → current (2025) province name, for old names, current names and common forms."""
    index: dict[str, str] = {}
    for p in old_provinces():
        index[_province_key(p.new_name)] = p.new_name
    for p in old_provinces():
        index[_province_key(p.old_name)] = p.new_name
    by_old = {p.old_name: p.new_name for p in old_provinces()}
    for alias, old_name in _NAME_ALIASES.items():
        index[alias] = by_old[old_name]
    return index


def current_province(old_name: str) -> str | None:
    """The 2025 province an old (or current) province name belongs to now: "Hà Giang" → "Tuyên Quang",
    "TP. Hồ Chí Minh" → "Hồ Chí Minh", "Tỉnh Thừa Thiên - Huế" → "Huế"; None if not a province name."""
    if not old_name or not old_name.strip():
        return None
    return _province_index().get(_province_key(old_name))
