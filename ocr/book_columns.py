"""A book's table columns, named once for all its pages.

Every page of a register book is printed from one form: its grid has the same columns, in the same order and
of the same widths, on every page. A page whose header cannot be read (a stain over a title, a faded or
torn header row) can still be named by the pages before it, where their grid is the same to within a
column's printing tolerance. The flow and the bench read a book's pages in order and keep a ``BookColumns``;
each page gets the book's ``ColumnHint`` and ``ocr.table`` decides, from the page itself, whether it applies.

Pure: no engine calls. The decision is a function of the page's own naming and the pages before it only, so
a book reads the same on one worker or on many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Two grids are the same form when every column's share of the table's width differs by at most this:
#: 1 % of the width, 20 px on a 2,000 px table, where a different form's columns differ by far more.
WIDTH_TOLERANCE = 0.01
#: A page's own title-named columns must agree with the book's names on at least this share of them: a
#: different form that happens to have the same widths disagrees on most.
MIN_AGREEMENT = 2 / 3
#: A page with no title read at all is named by the book only on a grid of at least this many columns
#: (fewer equal-width columns could be any table).
MIN_COLUMNS_BY_GEOMETRY = 5
#: Sure pages agreeing on the book's names before these names override a page's own sure naming.
MIN_SUPPORT_TO_OVERRIDE = 2


@dataclass(frozen=True)
class ColumnMap:
    """A table page's columns from left to right: each one's share of the table's width, the field it was
    named (None: not named), that name's score, whether its own title gave it (not its values or
    neighbours), and whether the column has writing in the body rows."""

    widths: tuple[float, ...]
    names: tuple[str | None, ...]
    scores: tuple[float, ...]
    by_title: tuple[bool, ...]
    inked: tuple[bool, ...] = field(default=())

    @classmethod
    def of(cls, edges: list[tuple[float, float]], mapping: dict[str, int], scores: dict[str, float],
           placed: list[str], inked: list[int]) -> ColumnMap:
        total = max(1.0, edges[-1][1] - edges[0][0])
        names: list[str | None] = [None] * len(edges)
        for name, index in mapping.items():
            names[index] = name
        return cls(tuple(round((b - a) / total, 4) for a, b in edges), tuple(names),
                   tuple(round(scores.get(n, 0.0), 4) if n else 0.0 for n in names),
                   tuple(n is not None and n not in placed for n in names),
                   tuple(i in set(inked) for i in range(len(edges))))

    @property
    def sure(self) -> bool:
        """Every column with writing named by its own title."""
        return all(titled for titled, inked in zip(self.by_title, self.inked or self.by_title) if inked)

    @property
    def complete(self) -> bool:
        """Every column with writing named, by its title or by its values and position."""
        return all(name is not None for name, inked in zip(self.names, self.inked or self.by_title) if inked)

    def same_grid(self, other: ColumnMap) -> bool:
        return (len(self.widths) == len(other.widths)
                and all(abs(a - b) <= WIDTH_TOLERANCE for a, b in zip(self.widths, other.widths)))

    def same_names(self, other: ColumnMap) -> bool:
        return self.names == other.names

    def mapping(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.names) if name}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ColumnMap | None:
        if not data:
            return None
        return cls(tuple(float(w) for w in data["widths"]), tuple(data["names"]),
                   tuple(float(s) for s in data["scores"]), tuple(bool(b) for b in data["by_title"]),
                   tuple(bool(b) for b in data.get("inked", ())))


@dataclass(frozen=True)
class ColumnHint:
    """The book's column names so far: the naming its sure pages agree on, and how many of them do (0: no
    page is sure yet; the naming of its complete pages)."""

    columns: ColumnMap
    support: int

    def names_page(self, own: ColumnMap | None) -> bool:
        """Whether a page whose titles named its columns ``own`` takes the book's names instead: same grid,
        different names, and either the page is unsure of its own (a column unnamed, or named only by its
        values) or enough sure pages outvote it; and its title-named columns mostly agree with the book's."""
        book = self.columns
        if own is None or not own.same_grid(book) or own.same_names(book):
            return False
        if own.sure and self.support < MIN_SUPPORT_TO_OVERRIDE:
            return False
        titled = [(name, book.names[index]) for index, (name, by_title) in enumerate(zip(own.names, own.by_title))
                  if by_title and name]
        if not titled:
            return len(book.widths) >= MIN_COLUMNS_BY_GEOMETRY
        return sum(1 for mine, theirs in titled if mine == theirs) >= MIN_AGREEMENT * len(titled)


class BookColumns:
    """The column namings of a book's pages, in page order. Its hint is the naming most of its sure pages
    give (the earliest on a tie); before any page is sure, the one most of its complete pages give, which
    never outvotes a sure page: on a heavy scan the small title over the entry numbers may be unreadable
    on every page, and its neighbours' titles and the numbers under it still name every column."""

    def __init__(self) -> None:
        self._seen: list[list[Any]] = []  # [ColumnMap, sure pages, complete pages]

    def add(self, own: ColumnMap | None) -> None:
        if own is None or not own.complete:
            return
        for seen in self._seen:
            if seen[0].same_grid(own) and seen[0].same_names(own):
                seen[1] += own.sure
                seen[2] += 1
                return
        self._seen.append([own, int(own.sure), 1])

    def hint(self) -> ColumnHint | None:
        sure = [seen for seen in self._seen if seen[1]]
        if sure:
            best = max(sure, key=lambda seen: seen[1])  # max keeps the first of equals
            return ColumnHint(best[0], best[1])
        if not self._seen:
            return None
        best = max(self._seen, key=lambda seen: seen[2])
        return ColumnHint(best[0], 0)

    def named_as_book_says(self, own: ColumnMap | None, used: ColumnMap | None) -> bool:
        """Whether a page read with the book's names ``used`` (None: its own) was named as the book's pages
        so far say it should be; when not, the page is read again with ``hint()``."""
        hint = self.hint()
        expected = hint.columns if hint is not None and hint.names_page(own) else None
        return expected == used
