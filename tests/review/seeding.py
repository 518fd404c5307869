"""A review queue written straight into the state database and object storage, no OCR: drawn page images
with one entry per row, entries flagged as the pipeline flags them, and the registry records they are
checked against. For the app's tests and bench/bench_review.py."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from sohoa.settings import Settings
from storage import keys
from storage.objects import ObjectStore
from storage.registry import load_snapshot
from storage.state import StateStore
from validation.schema import BookKeys, EntrySource, EntryStatus, ExportedEntry, Flag, FlagCode, empty_fields

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROW_HEIGHT, TOP, WIDTH = 70, 60, 1400
COLUMNS = {"entry_no": (20, 80), "full_name": (110, 420), "date_of_birth": (540, 200), "sex": (750, 90),
           "mother_name": (850, 300)}
GIVEN = ["An", "Bình", "Hòa", "Hương", "Thủy", "Khoa", "Tuấn", "Lan", "Ngọc", "Quý"]


@dataclass
class SeededBook:
    batch_id: str
    book: BookKeys
    item_ids: list[int]


def person(n: int) -> dict:
    return {"entry_no": n, "full_name": f"Nguyễn Văn {GIVEN[(n + 1) % len(GIVEN)]}", "date_of_birth": f"2009-0{1 + n % 9}-1{n % 10}",
            "sex": "Nam" if n % 2 else "Nữ", "mother_name": f"Trần Thị {GIVEN[(n + 3) % len(GIVEN)]}"}


def draw_page(rows: list[dict]) -> bytes:
    font = ImageFont.truetype(FONT, 30)
    image = Image.new("L", (WIDTH, TOP + ROW_HEIGHT * len(rows) + 40), 255)
    draw = ImageDraw.Draw(image)
    for i, row in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        draw.line([(10, y), (WIDTH - 10, y)], fill=90, width=2)
        for name, (x, _) in COLUMNS.items():
            draw.text((x, y + 18), str(row.get(name, "")), font=font, fill=20)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_book(state: StateStore, objects: ObjectStore, settings: Settings, authority: str, entries: int,
              registry_url: str | None = None, rows_per_page: int = 20, year: int = 2009,
              registry_path: Path | None = None) -> SeededBook:
    """A book of ``entries`` flagged entries of this authority: book and registry differ in the name of
    entry 1 ('Hòa' / 'Hóa'), then by turns a field_mismatch, low_confidence, missing_in_registry; plus one
    registry_only record past the last entry. Returns the batch id and the review item ids in order."""
    book = BookKeys(authority=authority, year=year, volume="01")
    objects.ensure_buckets([settings.bucket_pages, settings.bucket_records])
    batch_id = state.create_batch(book, ["seeded.pdf"], batch_id=str(uuid.uuid4()), pipeline_version="sohoa/test")
    prefix = keys.book_prefix(authority, "birth", year, "01")
    tag = keys.authority_slug(authority)[-8:]  # registry ids unique per authority
    registry_lines, item_ids = [], []
    people = [person(n) for n in range(1, entries + 1)]
    for start in range(0, entries, rows_per_page):
        rows = people[start:start + rows_per_page]
        png = draw_page(rows)
        sha = hashlib.sha256(png).hexdigest()
        page_key = keys.page_key(prefix, sha, "prepared.png")
        objects.put_bytes(settings.bucket_pages, page_key, png, content_type="image/png")
        for i, truth in enumerate(rows):
            n = truth["entry_no"]
            y = TOP + i * ROW_HEIGHT
            registry = dict(truth)
            kind = n % 3 if n > 1 else 1
            flags = []
            if kind == 1:  # field_mismatch on the name: the registry spells the tone differently
                registry["full_name"] = truth["full_name"].replace("Hòa", "Hóa") if "Hòa" in truth["full_name"] \
                    else truth["full_name"] + "h"
                flags = [Flag(code=FlagCode.FIELD_MISMATCH, field="full_name", book_value=truth["full_name"],
                              registry_value=registry["full_name"], detail="registry record differs")]
            elif kind == 2:
                flags = [Flag(code=FlagCode.LOW_CONFIDENCE, field="mother_name", detail="confidence 0.61 below 0.80")]
            else:
                flags = [Flag(code=FlagCode.MISSING_IN_REGISTRY, detail="no registry record has this entry number")]
                registry = None
            if registry is not None:
                registry_lines.append({"registry_id": f"R-{tag}-{n}", **book.model_dump(),
                                       **(empty_fields() | registry)})
            boxes = {name: (x, y + 8, w, ROW_HEIGHT - 14) for name, (x, w) in COLUMNS.items()}
            entry = ExportedEntry(
                **book.model_dump(), entry_no=n, fields=empty_fields() | {k: str(v) for k, v in truth.items()},
                values=empty_fields() | truth, raw={k: str(v) for k, v in truth.items()},
                status=EntryStatus.FLAGGED, flags=flags,
                source=EntrySource(page=start // rows_per_page + 1, object_key=page_key, source_file="seeded.pdf",
                                   bbox=(10, y, WIDTH - 20, ROW_HEIGHT), field_boxes=boxes),
                confidence={k: 0.61 if (kind == 2 and k == "mother_name") else 0.95 for k in truth})
            key = state.save_entry(batch_id, entry)
            item_ids.append(state.open_review_item(batch_id, key, [f.code.value for f in flags]).id)
    # A registry record whose number the book does not have.
    orphan = person(entries + 1)
    registry_lines.append({"registry_id": f"R-{tag}-orphan", **book.model_dump(), **(empty_fields() | orphan)})
    flag = Flag(code=FlagCode.REGISTRY_ONLY, detail=f"registry record R-{authority[:3]}-orphan has no entry in the book")
    entry = ExportedEntry(**book.model_dump(), entry_no=orphan["entry_no"],
                          fields=empty_fields() | {"entry_no": orphan["entry_no"]},
                          values=empty_fields() | {"entry_no": orphan["entry_no"]}, status=EntryStatus.FLAGGED,
                          flags=[flag], source=EntrySource(page=None, object_key=None), confidence={})
    key = state.save_entry(batch_id, entry)
    item_ids.append(state.open_review_item(batch_id, key, [flag.code.value]).id)
    if registry_url:
        path = registry_path or Path(settings.home) / f"registry-{uuid.uuid4().hex[:6]}.jsonl"
        path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in registry_lines), encoding="utf-8")
        load_snapshot(path, registry_url)
    state.finish_batch(batch_id, summary={}, input_errors=[])
    return SeededBook(batch_id, book, item_ids)
