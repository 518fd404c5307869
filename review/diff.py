"""Character-level differences between the book's reading and the registry's value, tone marks included.

Both sides are compared in NFC, so 'Hòa' against 'Hóa' differs in one character (ò/ó), not in a stray
combining mark; nothing is case-folded or tone-normalized here: the reviewer is to see every difference.
"""

from __future__ import annotations

import difflib
import re
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


def _chars(a: str, b: str, left: list[Piece], right: list[Piece]) -> None:
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if a[i1:i2]:
            left.append(Piece(a[i1:i2], op != "equal"))
        if b[j1:j2]:
            right.append(Piece(b[j1:j2], op != "equal"))


def difference(book: Any, registry: Any) -> Difference:
    """Words first, then letters within a replaced word that still resembles its counterpart ('Hòa'/'Hóa'
    marks one letter); words that do not resemble each other are marked whole, not as scattered letters."""
    a, b = as_text(book), as_text(registry)
    # Each word keeps its following space, so spaces never match on their own and split a phrase.
    words_a, words_b = re.findall(r"\S+\s*|\s+", a), re.findall(r"\S+\s*|\s+", b)
    left: list[Piece] = []
    right: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        part_a, part_b = words_a[i1:i2], words_b[j1:j2]
        if op == "equal":
            left.append(Piece("".join(part_a), False))
            right.append(Piece("".join(part_b), False))
        elif op == "replace" and len(part_a) == len(part_b) and all(
                difflib.SequenceMatcher(a=x, b=y, autojunk=False).ratio() >= 0.5 for x, y in zip(part_a, part_b)):
            for x, y in zip(part_a, part_b):
                _chars(x, y, left, right)
        else:
            if part_a:
                left.append(Piece("".join(part_a), True))
            if part_b:
                right.append(Piece("".join(part_b), True))
    return Difference(_merged(left), _merged(right), same_text=canonical(a) == canonical(b), identical=a == b)


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1].changed == piece.changed:
            out[-1] = Piece(out[-1].text + piece.text, piece.changed)
        else:
            out.append(piece)
    return out
