"""Object keys are deterministic, ASCII, and distinct for distinct books."""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import unquote

import pytest

from storage import keys

SHA = hashlib.sha256(b"page").hexdigest()


def test_book_prefix_is_readable_ascii_and_deterministic():
    prefix = keys.book_prefix("UBND xã Tân Phú, huyện Đức Hòa", "birth", 2016, 2)
    assert prefix.isascii()
    assert prefix.startswith("ubnd-xa-tan-phu-huyen-duc-hoa-")
    assert prefix.endswith("/birth/2016/v002")
    assert prefix == keys.book_prefix("UBND xã Tân Phú, huyện Đức Hòa", "birth", 2016, 2)


def test_authorities_with_the_same_slug_get_different_prefixes():
    # Tone marks differ, the slug does not: the hash of the exact name keeps them apart.
    a = keys.book_prefix("UBND xã Tân Phú", "birth", 2016, 1)
    b = keys.book_prefix("UBND xã Tấn Phú", "birth", 2016, 1)
    assert a.split("/")[0].rsplit("-", 1)[0] == b.split("/")[0].rsplit("-", 1)[0]
    assert a != b


def test_nfc_and_nfd_spellings_are_the_same_authority():
    name = "UBND phường Hòa Khánh"
    assert keys.book_prefix(unicodedata.normalize("NFD", name), "birth", 2001, 1) == keys.book_prefix(
        unicodedata.normalize("NFC", name), "birth", 2001, 1)


def test_record_page_ocr_and_original_keys():
    prefix = keys.book_prefix("UBND xã A", "birth", 1999, 3)
    assert keys.record_key(prefix, 7) == f"{prefix}/records/00007.json"
    assert keys.page_key(prefix, SHA, "prepared.png") == f"{prefix}/pages/{SHA}/prepared.png"
    ocr = keys.ocr_key(SHA, "tesseract 5.3.0/vie", "ocr-read/4", "sohoa/0.1.0")
    assert ocr.isascii() and ocr.count("/") == 4  # '/' inside a version never adds a level
    assert keys.original_key(SHA, "Sổ khai sinh 2016.PDF") == f"originals/{SHA[:2]}/{SHA}.pdf"


def test_the_ocr_key_changes_with_the_reading_code_version():
    """A change in ocr/ (a bumped OCR_CODE_VERSION) must never hit the readings of the old code."""
    old = keys.ocr_key(SHA, "tesseract 5.3.0 vie", "ocr-read/4", "sohoa/0.1.0")
    assert keys.ocr_key(SHA, "tesseract 5.3.0 vie", "ocr-read/5", "sohoa/0.1.0") != old
    assert keys.ocr_key(SHA, "tesseract 5.3.0 vie", "ocr-read/4", "sohoa/0.1.0") == old
    # The parts cannot run into each other: moving a '/' between two versions gives another key.
    assert keys.ocr_key(SHA, "a/b", "c", "d") != keys.ocr_key(SHA, "a", "b/c", "d")


def test_digit_volumes_keep_their_keys_and_other_volumes_are_safe():
    prefix = keys.book_prefix("UBND xã A", "birth", 1999, "01")
    assert prefix.endswith("/v001")  # the key books stored before volumes were text
    assert {keys.book_prefix("UBND xã A", "birth", 1999, v) for v in ("1", "001", 1, " 01 ")} == {prefix}
    others = {v: keys.volume_segment(v) for v in ("2A", "2a", "II", "../x", "Quyển 2", "1/2")}
    for volume, segment in others.items():
        assert segment.isascii() and "/" not in segment and segment.startswith("v") and "-" in segment, volume
    assert len(set(others.values())) == len(others)  # distinct texts, distinct keys
    assert keys.volume_segment("2A") == keys.volume_segment("2A") != keys.volume_segment("2")
    assert keys.same_volume("01", 1) and keys.same_volume("2A", "2A") and not keys.same_volume("2A", "2a")


@pytest.mark.parametrize("bad", [lambda: keys.record_key("p", None), lambda: keys.original_key("abc", "x.pdf"),
                                 lambda: keys.book_prefix("", "birth", 2000, 1),
                                 lambda: keys.book_prefix("A", "Birth Book", 2000, 1),
                                 lambda: keys.book_prefix("A", "birth", 2000, " "),
                                 lambda: keys.book_prefix("A", "birth", 2000, -1)])
def test_invalid_key_parts_are_refused(bad):
    with pytest.raises(ValueError):
        bad()


def test_ascii_safe_round_trips():
    value = "Sổ đăng ký 01.pdf"
    safe = keys.ascii_safe(value)
    assert safe.isascii() and all(" " <= ch <= "~" for ch in safe)
    assert unquote(safe) == value
    assert keys.ascii_safe("plain-name_1.pdf") == "plain-name_1.pdf"
