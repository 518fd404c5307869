"""Deterministic object keys: the same book, page or entry always lands under the same key.

    book prefix   <authority-slug>-<hash8>/<book_type>/<year>/v<volume number, 3 digits>  (or v<slug>-<hash8>)
    original      originals/<sha256[:2]>/<sha256><.suffix>
    page image    <book prefix>/pages/<page sha256>/<suffix>
    OCR output    <page sha256[:2]>/<page sha256>/<engine version>/<reading code version>/<pipeline version>.json
    record        <book prefix>/records/<entry_no, 5 digits>.json

Keys are ASCII. The authority (cơ quan đăng ký = registering authority) is Vietnamese: it is slugified for
reading ('UBND xã Tân Phú' → 'ubnd-xa-tan-phu') and followed by a hash of the exact (NFC) string, so two
authorities whose slugs coincide never share a prefix. A volume (quyển) is text as the book prints it: a digit
volume is keyed by its number ('01', '1' and '001' are one book: v001), any other by its slug and a hash of the
exact text ('2A' → 'v2a-<hash8>'), so it can never land on a digit volume's key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_WORD = re.compile(r"^[a-z][a-z0-9_]*$")


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-': diacritics dropped, 'đ' → 'd'."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def authority_slug(authority: str) -> str:
    """Readable slug plus the first 8 hex digits of SHA-256 over the exact (NFC-normalised) authority."""
    exact = unicodedata.normalize("NFC", authority.strip())
    if not exact:
        raise ValueError("authority must not be empty")
    digest = hashlib.sha256(exact.encode("utf-8")).hexdigest()[:8]
    slug = slugify(exact)[:60].rstrip("-") or "authority"
    return f"{slug}-{digest}"


def book_prefix(authority: str, book_type: str, year: int, volume: str | int) -> str:
    """Where one paper book's pages and records live (book type e.g. 'birth'; quyển = volume)."""
    if not _WORD.match(book_type):
        raise ValueError(f"book type must be a lower-case word, got {book_type!r}")
    if not 1000 <= int(year) <= 9999:
        raise ValueError(f"year must have four digits, got {year!r}")
    return f"{authority_slug(authority)}/{book_type}/{int(year):04d}/{volume_segment(volume)}"


def volume_text(volume: str | int) -> str:
    """A volume as text: NFC, surrounding spaces dropped; an int (older callers) becomes its digits."""
    if isinstance(volume, bool) or not isinstance(volume, str | int):
        raise ValueError(f"a volume is text, got {type(volume).__name__}")
    if isinstance(volume, int) and volume < 0:
        raise ValueError(f"volume must not be negative, got {volume!r}")
    text = unicodedata.normalize("NFC", str(volume)).strip()
    if not text:
        raise ValueError("volume must not be empty")
    return text


def volume_number(volume: str | int) -> int | None:
    """The number of a digit volume ('01' → 1), None for any other ('2A', 'I')."""
    text = volume_text(volume)
    return int(text) if text.isascii() and text.isdigit() else None


def same_volume(a: str | int, b: str | int) -> bool:
    """Two volumes name the same book: equal by number when both are digits ('1' and '01'), else as text."""
    number_a, number_b = volume_number(a), volume_number(b)
    if number_a is not None and number_b is not None:
        return number_a == number_b
    return volume_text(a) == volume_text(b)


def volume_segment(volume: str | int) -> str:
    """The volume's key segment: 'v001' for a digit volume, 'v<slug>-<hash8>' for any other."""
    number = volume_number(volume)
    if number is not None:
        return f"v{number:03d}"
    text = volume_text(volume)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"v{slugify(text)[:30].rstrip('-')}-{digest}"


def original_key(sha256: str, filename: str) -> str:
    """A scan file as received, under its content hash (only the file's suffix is kept in the key, so the
    same file uploaded under two names is stored once; keep the name in metadata or the batch)."""
    _check_sha256(sha256)
    suffix = "".join(ch for ch in _suffix(filename).lower() if ch.isascii() and (ch.isalnum() or ch == "."))
    return f"originals/{sha256[:2]}/{sha256}{suffix}"


def page_key(book_prefix: str, sha256_of_page: str, suffix: str) -> str:
    """A derived page image, e.g. suffix 'prepared.png' for the deskewed page the bounding boxes refer to."""
    _check_sha256(sha256_of_page)
    return f"{book_prefix}/pages/{sha256_of_page}/{_segment(suffix)}"


def ocr_key(sha256_of_page: str, engine_version: str, code_version: str, pipeline_version: str) -> str:
    """Cached OCR output of one page by one engine (and model), one version of the reading code
    (ocr.read.OCR_CODE_VERSION) and one pipeline version: a change to any of them is a cache miss."""
    _check_sha256(sha256_of_page)
    versions = (engine_version, code_version, pipeline_version)
    return f"{sha256_of_page[:2]}/{sha256_of_page}/" + "/".join(_segment(v) for v in versions) + ".json"


def record_key(book_prefix: str, entry_no: int | None) -> str:
    """A verified record of the book, by its entry number (số = entry number)."""
    if entry_no is None or int(entry_no) < 0:
        raise ValueError("a record key needs a non-negative entry number")
    return f"{book_prefix}/records/{int(entry_no):05d}.json"


def ascii_safe(value: str) -> str:
    """A string made safe for S3 user metadata (printable ASCII): everything else is percent-encoded (UTF-8),
    so 'Sổ 1.pdf' → 'S%E1%BB%95 1.pdf'. Reversible with urllib.parse.unquote."""
    return quote(unicodedata.normalize("NFC", value), safe=" !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _segment(value: str) -> str:
    """One key segment: letters, digits and '._-+' kept, everything else percent-encoded (so '/' cannot nest)."""
    if not value or value in {".", ".."}:
        raise ValueError("a key segment must not be empty, '.' or '..'")
    return quote(value, safe="._-+")


def _suffix(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1]
    return name[name.rfind("."):] if "." in name.lstrip(".") else ""


def _check_sha256(value: str) -> None:
    if not _SHA256.match(value):
        raise ValueError("expected a lower-case hex SHA-256 digest")
