"""The style matrix: every way a synthetic book's pages can differ, drawn once per book from its seed.

A style is a JSON-able dict of axis values (recorded in book.json under "style"). ``CLASSIC`` per layout is
today's fixed style, one point of the matrix; ``draw_style`` draws the others. Callers force axes with
``style={"axis": value, ...}`` (on top of a drawn style) or ``style="classic"`` / ``{"preset": "classic", ...}``.

Axes (classic value first):
- both layouts: page_size A4|A3; orientation; margins normal|narrow|wide; header title|authority|national|full;
  title (book title wording); values typed|handwritten|typewriter (None = today's random typed/handwritten
  draw); printed_font, value_font (families of synth.draw); tone_placement old|new|mixed; date_format (one of
  DATE_FORMATS); date_words standard|varied; entry_no_digits 0|2|3; ethnic_names official|variants.
- table: columns (list of fields, left to right) or column_order classic|id_after_name|father_first|
  sex_before_date with absent (subset of OPTIONAL_ABSENT) and added (subset of OPTIONAL_ADDED); titles
  {field: wording}; two_tier none|child_parents|per_parent (groups [[title, first, last], ...]);
  column_numbers bool; rows_per_page; blank_rows bool; voided_rows none|crossed|bo_trong; carried_row bool.
- form: labels {key: wording} (keys of wordings.FORM_LABELS); parents own_labels|sections; child_heading
  None|wording; date_words_line own_line|same_line; leaders bool; id_boxes bool; tick check|x|filled;
  form_order classic|id_after_name|one_per_line.
"""

from __future__ import annotations

import random
from typing import Any

from synth.draw import BookStyle, vietnamese_families
from synth.wordings import (CHILD_GROUP_TITLES, COLUMN_TITLES, FORM_LABELS, GENERIC_TITLES, PARENTS_GROUP_TITLES,
                            SECTION_HEADINGS)

DATE_FORMATS = ("dd/mm/yyyy", "d/m/yyyy", "dd/m/yyyy", "dd.mm.yyyy", "dd-mm-yyyy", "d.m.yyyy", "d-m-yyyy")
TABLE_BASE = ("entry_no", "registration_date", "full_name", "date_of_birth", "sex", "ethnicity", "nationality",
              "place_of_birth", "personal_id", "mother_name", "father_name", "notes")
OPTIONAL_ABSENT = ("ethnicity", "nationality", "personal_id", "sex")  # columns some books lack
OPTIONAL_ADDED = ("hometown", "mother_residence", "father_residence", "mother_birth_year", "father_birth_year")
COLUMN_ORDERS = ("classic", "id_after_name", "father_first", "sex_before_date")
CHILD_FIELDS = ("full_name", "date_of_birth", "sex", "ethnicity", "nationality", "place_of_birth", "hometown",
                "personal_id")
PAGE_SHAPES = {"table": (("A4", "landscape"), ("A3", "landscape"), ("A3", "portrait")),
               "form": (("A4", "portrait"), ("A3", "portrait"), ("A3", "landscape"))}
ROWS_PER_PAGE = {("A4", "landscape"): (8, 10, 12), ("A3", "landscape"): (12, 14, 16),
                 ("A3", "portrait"): (16, 20, 24), ("A4", "portrait"): (12, 14, 16)}
MARGINS = {"normal": 1.0, "narrow": 0.7, "wide": 1.35}

COMMON_CLASSIC: dict[str, Any] = {
    "preset": "classic", "page_size": "A4", "margins": "normal", "header": "title",
    "title": "SỔ ĐĂNG KÝ KHAI SINH", "values": None, "tone_placement": "old", "date_format": "dd/mm/yyyy",
    "date_words": "standard", "entry_no_digits": 0, "ethnic_names": "official",
}
CLASSIC: dict[str, dict[str, Any]] = {
    "table": {**COMMON_CLASSIC, "orientation": "landscape", "column_order": "classic", "absent": [], "added": [],
              "titles": {f: COLUMN_TITLES[f][0] for f in TABLE_BASE}, "column_numbers": False, "two_tier": "none",
              "rows_per_page": 10, "blank_rows": False, "voided_rows": "none", "carried_row": False},
    "form": {**COMMON_CLASSIC, "orientation": "portrait",
             "labels": {k: v[0] for k, v in FORM_LABELS.items()}, "parents": "own_labels",
             "child_heading": None, "date_words_line": "own_line", "leaders": False, "id_boxes": False,
             "tick": "check", "form_order": "classic"},
}


def table_columns(order: str, absent: list[str], added: list[str]) -> list[str]:
    """The book's columns, left to right: the base set minus `absent`, plus `added`, in the `order` variant."""
    fields = [f for f in TABLE_BASE if f not in absent]
    child_extra = [f for f in ("hometown",) if f in added]
    mother = ["mother_name"] + [f for f in ("mother_birth_year", "mother_residence") if f in added]
    father = ["father_name"] + [f for f in ("father_birth_year", "father_residence") if f in added]
    at = fields.index("personal_id") if "personal_id" in fields else fields.index("mother_name")
    fields[at:at] = child_extra
    fields = [f for f in fields if f not in ("mother_name", "father_name")]
    parents = father + mother if order == "father_first" else mother + father
    fields[fields.index("notes"):fields.index("notes")] = parents
    if order == "id_after_name" and "personal_id" in fields:
        fields.remove("personal_id")
        fields.insert(fields.index("full_name") + 1, "personal_id")
    if order == "sex_before_date" and "sex" in fields:
        fields.remove("sex")
        fields.insert(fields.index("date_of_birth"), "sex")
    return fields


def _titles(columns: list[str], two_tier: str, rng: random.Random | None) -> tuple[dict[str, str], list[list[Any]]]:
    """Each column's printed title and the upper-tier groups [title, first field, last field]; without `rng`
    (a classic book) the first wording of each."""
    pick = rng.choice if rng else (lambda options: options[0])
    titles = {f: pick(COLUMN_TITLES[f]) for f in columns}
    groups: list[list[Any]] = []
    if two_tier == "none":
        return titles, groups
    child = [f for f in columns if f in CHILD_FIELDS]
    if child and columns.index(child[-1]) - columns.index(child[0]) + 1 == len(child):
        groups.append([pick(CHILD_GROUP_TITLES), child[0], child[-1]])
    for person in ("mother", "father") if two_tier == "per_parent" else ():
        own = [f for f in columns if f.startswith(person)]
        groups.append([{"mother": "Mẹ", "father": "Cha"}[person], own[0], own[-1]])
        for f in own:  # the upper cell names the person: the lower titles are generic
            titles[f] = pick(GENERIC_TITLES[f.split("_", 1)[1]])
    if two_tier == "child_parents":
        parents = [f for f in columns if f.startswith(("mother", "father"))]
        groups.append([pick(PARENTS_GROUP_TITLES), parents[0], parents[-1]])
    return titles, groups


def draw_style(layout: str, rng: random.Random) -> dict[str, Any]:
    """A style drawn across the matrix (always the same number of draws, so forcing an axis leaves the others
    as they were drawn)."""
    size, orientation = rng.choice(PAGE_SHAPES[layout])
    style: dict[str, Any] = {
        "preset": "drawn", "page_size": size, "orientation": orientation,
        "margins": rng.choice(tuple(MARGINS)),
        "header": rng.choice(("title", "authority", "national", "full")),
        "title": rng.choice(("SỔ ĐĂNG KÝ KHAI SINH", "SỔ ĐĂNG KÝ KHAI SINH", "SỔ KHAI SINH")),
        "values": "typewriter" if rng.random() < 0.2 else None,
        "tone_placement": rng.choice(("old", "new", "mixed")),
        "date_format": rng.choice(DATE_FORMATS),
        "date_words": rng.choice(("standard", "varied")),
        "entry_no_digits": rng.choice((0, 0, 2, 3)),
    }
    if layout == "table":
        style["column_order"] = rng.choice(COLUMN_ORDERS)
        style["absent"] = sorted(f for f in OPTIONAL_ABSENT if rng.random() < 0.15)
        style["added"] = sorted(f for f in OPTIONAL_ADDED if rng.random() < 0.25)
        style["two_tier"] = rng.choice(("none", "none", "child_parents", "per_parent"))
        style["column_numbers"] = rng.random() < 0.5
        style["rows_per_page"] = rng.choice(ROWS_PER_PAGE[(size, orientation)])
        style["blank_rows"] = rng.random() < 0.3
        style["voided_rows"] = rng.choice(("none", "none", "crossed", "bo_trong"))
        style["title_seed"] = rng.getrandbits(32)
    else:
        style["labels"] = {k: rng.choice(v) for k, v in FORM_LABELS.items()}
        style["parents"] = rng.choice(("own_labels", "sections"))
        style["child_heading"] = rng.choice((None,) + SECTION_HEADINGS["child"])
        style["date_words_line"] = rng.choice(("own_line", "same_line"))
        style["leaders"] = rng.random() < 0.4
        style["id_boxes"] = rng.random() < 0.4
        style["tick"] = rng.choice(("check", "x", "filled"))
        style["form_order"] = rng.choice(("classic", "id_after_name", "one_per_line"))
    # Drawn last, so adding it left the earlier axes' draws as they were.
    style["ethnic_names"] = rng.choice(("official", "official", "variants"))
    if layout == "table":
        style["carried_row"] = rng.random() < 0.2
    return style


def resolve_style(layout: str, requested: str | dict[str, Any] | None, rng: random.Random) -> dict[str, Any]:
    """The book's style: drawn, classic, or either with the requested axes forced."""
    drawn = draw_style(layout, rng)
    if requested == "classic":
        requested = {"preset": "classic"}
    requested = dict(requested or {})
    unknown = set(requested) - set(drawn) - set(CLASSIC[layout]) - {"columns", "groups", "printed_font", "value_font"}
    if unknown:
        raise ValueError(f"unknown style axes {sorted(unknown)} for layout {layout!r}")
    base = dict(CLASSIC[layout]) if requested.get("preset") == "classic" else dict(drawn)
    base.pop("title_seed", None)
    style = {**base, **requested}
    if layout == "table":
        shape, drawn_shape = (style["page_size"], style["orientation"]), (drawn["page_size"], drawn["orientation"])
        if "rows_per_page" not in requested and style["preset"] != "classic" and shape != drawn_shape:
            # A forced page shape takes the rows of its own shape, as many as the drawn shape's choice ranked.
            rank = ROWS_PER_PAGE[drawn_shape].index(drawn["rows_per_page"])
            style["rows_per_page"] = ROWS_PER_PAGE[shape][rank]
        if "columns" not in requested:
            style["columns"] = table_columns(style["column_order"], style["absent"], style["added"])
        classic = style.get("preset") == "classic"
        titles, groups = _titles(style["columns"], style["two_tier"],
                                 None if classic else random.Random(drawn["title_seed"]))
        style["titles"] = {**titles, **requested.get("titles", {})}
        style["groups"] = requested.get("groups", groups)
    if layout == "form" and style["parents"] == "sections" and not style["child_heading"]:
        style["child_heading"] = SECTION_HEADINGS["child"][0]  # a sectioned form heads the child's part too
    if "labels" in requested:
        style["labels"] = {**base["labels"], **requested["labels"]}
    return style


def fonts_for(style: dict[str, Any], drawn: BookStyle) -> BookStyle:
    """The book's fonts: today's random draw (or the forced families), with the typewriter when the style
    types its values."""
    families = vietnamese_families()
    for key in ("printed_font", "value_font"):
        if key in style and style[key] not in families:
            raise ValueError(f"unknown {key} {style[key]!r}: expected one of {', '.join(families)}")
    drawn = BookStyle(style.get("printed_font", drawn.printed_family), style.get("value_font", drawn.value_family),
                      drawn.handwritten, drawn.value_scale)
    if style["values"] == "typewriter":
        return BookStyle(drawn.printed_family, "DejaVu Sans Mono", False, 1.0, typewriter=True)
    if style["values"] in ("typed", "handwritten"):
        handwritten = style["values"] == "handwritten"
        return BookStyle(drawn.printed_family, drawn.value_family, handwritten,
                         drawn.value_scale if drawn.handwritten == handwritten else (1.06 if handwritten else 1.0))
    return drawn


def flat_axes(style: dict[str, Any]) -> dict[str, str]:
    """The style as one scalar per axis, for tallies per axis value: each title and label wording its own axis
    ("title.full_name", "label.mother_name"), each optional column present or not ("column.hometown"), the
    column order and upper tiers as text."""
    flat: dict[str, str] = {}
    for axis, value in style.items():
        if axis == "titles":
            flat.update({f"title.{field}": text for field, text in value.items()})
        elif axis == "labels":
            flat.update({f"label.{key}": text for key, text in value.items()})
        elif axis == "columns":
            flat.update({f"column.{field}": str(field in value) for field in OPTIONAL_ABSENT + OPTIONAL_ADDED})
        elif axis == "groups":
            flat["groups"] = " | ".join(group[0] for group in value) or "none"
        elif axis not in ("absent", "added"):  # absent/added are what "columns" already says
            flat[axis] = str(value)
    return flat
