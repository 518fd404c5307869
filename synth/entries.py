"""Ground-truth birth entries (khai sinh = birth registration) for one synthetic book.

Each entry is a dict with the book keys and every field of `validation.schema.BIRTH_FIELDS`; fields the
layout does not carry are null. Values are NFC strings, ISO dates, ints or None.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from validation.date_words import date_to_words
from validation.schema import BIRTH_FIELDS, TABLE_FIELDS

from synth.people import family_surname, nfc, person_name, tone_mark_variant
from synth.places import Commune, other_commune, place_of_birth, province_prefixes, residence

RegistrationKind = Literal["on_time", "late", "re_registered"]
ON_TIME_DAYS = 60  # a birth is registered on time within 60 days (Luật Hộ tịch 2014, Art. 15)
RE_REGISTERED_NOTE = "Đăng ký lại"


@dataclass(frozen=True)
class BookContext:
    authority: str
    year: int
    volume: int | str
    commune: Commune
    layout: Literal["table", "form"]
    fields: tuple[str, ...] = ()  # the fields the book's pages show; () = the layout's classic set

    @property
    def keys(self) -> dict[str, Any]:
        """The book keys; the volume as the book prints it ("01")."""
        volume = f"{self.volume:02d}" if isinstance(self.volume, int) else self.volume
        return {"authority": self.authority, "book_type": "birth", "year": self.year, "volume": volume}


def registration_dates(rng: random.Random, year: int, count: int) -> list[date]:
    """`count` registration dates within the year, non-decreasing (the book is filled in date order)."""
    start = date(year, 1, 2)
    span = (date(year, 12, 30) - start).days
    return sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(count))


def registration_kind(entry: dict[str, Any]) -> RegistrationKind:
    """Đúng hạn (on time), Quá hạn (late) or Đăng ký lại (registered again), as ticked on form pages."""
    if entry.get("notes") == RE_REGISTERED_NOTE:
        return "re_registered"
    registered = date.fromisoformat(entry["registration_date"])
    born = date.fromisoformat(entry["date_of_birth"])
    return "on_time" if (registered - born).days <= ON_TIME_DAYS else "late"


def personal_id(province: str, born: date, sex: str, rng: random.Random) -> str:
    """Số định danh cá nhân: province code (3) + century/sex digit + year (2) + 6 random digits."""
    century_base = {19: 0, 20: 2, 21: 4}[born.year // 100]
    sex_digit = century_base + (1 if sex == "Nữ" else 0)
    return f"{province_prefixes()[province]}{sex_digit}{born.year % 100:02d}{rng.randint(0, 999_999):06d}"


def _pick_weighted(mix: dict[str, float], rng: random.Random) -> str:
    names, weights = zip(*mix.items())
    return rng.choices(names, weights=weights)[0]


def _short_date(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def _annotation_date(registered: date, rng: random.Random) -> date:
    last = date(max(registered.year + 1, 2024), 12, 31)
    first = min(registered + timedelta(days=200), last)
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _correction_note(entry: dict[str, Any], registered: date, rng: random.Random) -> str | None:
    """A later annotation in Ghi chú (cải chính = correction, thay đổi = change, bổ sung = addition)."""
    when = _short_date(_annotation_date(registered, rng))
    name_words = entry["full_name"].split()
    kind = rng.choice(["surname", "given", "dob", "hometown", "ethnicity", "change"])
    if kind == "surname" and (old := tone_mark_variant(name_words[0], rng)):
        return f"Cải chính họ từ {old} thành {name_words[0]} ngày {when}"
    if kind == "given" and (old := tone_mark_variant(name_words[-1], rng)):
        return f"Cải chính tên từ {old} thành {name_words[-1]} ngày {when}"
    if kind == "dob":
        born = date.fromisoformat(entry["date_of_birth"])
        wrong = born + timedelta(days=rng.choice([-10, -1, 1, 10, 30]))
        return f"Cải chính ngày sinh từ {wrong:%d/%m/%Y} thành {born:%d/%m/%Y} ngày {when}"
    if kind == "ethnicity" and entry["ethnicity"] != "Kinh":
        return f"Xác định lại dân tộc từ Kinh thành {entry['ethnicity']} ngày {when}"
    if kind == "hometown":
        return f"Bổ sung quê quán ngày {when}"
    if kind == "change" and len(name_words) >= 3:
        old = rng.choice(["Tí", "Tèo", "Bé", "Út", "Hai", "Cu"])
        return f"Thay đổi tên từ {old} thành {name_words[-1]} theo QĐ số {rng.randint(2, 140)}/QĐ-UBND ngày {when}"
    return None


def make_entry(ctx: BookContext, entry_no: int, registered: date, rng: random.Random) -> dict[str, Any]:
    """One birth entry registered at `ctx.commune` on `registered`; every BIRTH_FIELDS field filled but notes."""
    commune = ctx.commune
    roll = rng.random()
    if roll < 0.03:
        kind: RegistrationKind = "re_registered"
        born = date(rng.randint(1965, registered.year - 1), rng.randint(1, 12), rng.randint(1, 28))
    elif roll < 0.10:
        kind = "late"
        born = registered - timedelta(days=rng.randint(ON_TIME_DAYS + 1, 3650))
    else:
        kind = "on_time"
        born = registered - timedelta(days=rng.randint(1, ON_TIME_DAYS))

    mother_ethnicity = _pick_weighted(commune.ethnic_mix, rng)
    father_ethnicity = mother_ethnicity if rng.random() < 0.85 else _pick_weighted(commune.ethnic_mix, rng)
    mother_name = person_name(mother_ethnicity, "Nữ", rng)
    father_name = person_name(father_ethnicity, "Nam", rng)
    # The child takes the father's ethnicity and surname, except in matrilineal Ê-đê families.
    matrilineal = mother_ethnicity == "Ê-đê"
    ethnicity = mother_ethnicity if matrilineal else father_ethnicity
    family = family_surname(mother_name if matrilineal else father_name)
    sex = "Nam" if rng.random() < 0.51 else "Nữ"
    full_name = person_name(ethnicity, sex, rng, surname=family)

    mother_birth_year = born.year - rng.randint(18, 42)
    # Parents were 18-45 years old; the father is usually a few years older than the mother.
    father_birth_year = min(born.year - 18, max(born.year - 45, mother_birth_year - rng.randint(-3, 10)))
    mother_residence = residence(commune, rng)
    father_residence = mother_residence if rng.random() < 0.85 else residence(other_commune(commune, rng), rng)
    hometown = (commune if rng.random() < 0.7 else other_commune(commune, rng)).address
    declarant = rng.random()
    if declarant < 0.55:
        declarant_name = father_name
    elif declarant < 0.9:
        declarant_name = mother_name
    else:
        declarant_name = person_name(father_ethnicity, rng.choice(["Nam", "Nữ"]), rng, surname=family)

    entry: dict[str, Any] = {
        **ctx.keys,
        "entry_no": entry_no,
        "registration_date": registered.isoformat(),
        "full_name": full_name,
        "date_of_birth": born.isoformat(),
        "date_of_birth_words": date_to_words(born),
        "sex": sex,
        "ethnicity": ethnicity,
        "nationality": "Việt Nam",
        "place_of_birth": place_of_birth(commune, rng),
        "hometown": hometown,
        "personal_id": personal_id(commune.province, born, sex, rng),
        "mother_name": mother_name,
        "mother_birth_year": mother_birth_year,
        "mother_ethnicity": mother_ethnicity,
        "mother_nationality": "Việt Nam",
        "mother_residence": mother_residence,
        "father_name": father_name,
        "father_birth_year": father_birth_year,
        "father_ethnicity": father_ethnicity,
        "father_nationality": "Việt Nam",
        "father_residence": father_residence,
        "declarant_name": declarant_name,
        "notes": None,
    }
    if kind == "re_registered":
        entry["notes"] = RE_REGISTERED_NOTE
    elif rng.random() < 0.08:
        entry["notes"] = _correction_note(entry, registered, rng)
    return restrict_to_layout({k: nfc(v) if isinstance(v, str) else v for k, v in entry.items()}, ctx.layout,
                              ctx.fields)


def restrict_to_layout(entry: dict[str, Any], layout: str, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """Null the fields the book's pages do not show (a table has columns for some fields only)."""
    shown = fields or (TABLE_FIELDS if layout == "table" else BIRTH_FIELDS)
    for name in BIRTH_FIELDS:
        if name not in shown:
            entry[name] = None
    return entry


def make_entries(ctx: BookContext, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """The book's entries, numbered 1..count, registered in date order through the year."""
    dates = registration_dates(rng, ctx.year, count)
    return [make_entry(ctx, number, registered, rng) for number, registered in enumerate(dates, start=1)]
