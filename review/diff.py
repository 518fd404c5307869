"""Character-level differences between the book's reading and the registry's value, tone marks included.

Both sides are compared in NFC, so 'Hòa' against 'Hóa' differs in one character (ò/ó), not in a stray
combining mark; nothing is case-folded or tone-normalized here: the reviewer is to see every difference.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import Any

from validation.orthography import canonical


@dataclass(frozen=True)
class Piece:
    text: str
    changed: bool


@dataclass(frozen=True)
class Difference:
    book: list[Piece]
    registry: list[Piece]
    #: Only tone placement, case or spacing differ ('Hoà' / 'Hòa'): the same text to the cross-check.
    same_text: bool
    identical: bool


def as_text(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFC", str(value))


def difference(book: Any, registry: Any) -> Difference:
    a, b = as_text(book), as_text(registry)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if a[i1:i2]:
            left.append(Piece(a[i1:i2], op != "equal"))
        if b[j1:j2]:
            right.append(Piece(b[j1:j2], op != "equal"))
    return Difference(left, right, same_text=canonical(a) == canonical(b), identical=a == b)
