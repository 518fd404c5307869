"""Tone marks struck apart from their letter, as typewriters left them, put back over their vowel.

On a typewriter the five tone marks (dấu thanh) were struck on their own, and they rarely land centred:
anywhere from over their letter to one advance to its right. An engine then drops them ("Pham" for Phạm)
or hangs them on the next letter ("Nguyêñ"). A typewriter is monospaced, so a word's letters stand in slots
of one advance each; that is checked on the word's own ink before anything moves. A small piece of ink above
the letters, or below the baseline, that stands over a consonant, a space, or a vowel's right-hand neighbour
slot is a loose mark; its letter is the vowel at or just left of it. ``reseat`` moves each loose mark over its
vowel so that the engine reads the word whole. Which vowel of a syllable carries the tone is Vietnamese
spelling, not geometry; the validation step still checks and repairs that.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from statistics import median

import cv2
import numpy as np

from ocr.engine import Word
from ocr.line_above import baseline_span, hangs_from, is_word_above
from ocr.mark_shapes import classify_mark
from ocr.monospace import is_monospaced, letter_bodies, neighbours
from ocr.words import shared_area

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
#: The combining marks of Vietnamese letters that are not tones: circumflex (â), breve (ă), horn (ơ).
LETTER_MARKS = frozenset("\u0302\u0306\u031b")
VOWELS = frozenset("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
#: Letters whose own hat, breve or dot is a piece of ink apart from the letter's body.
OWN_PIECE = frozenset("ăâêôijĂÂÊÔ")
#: Letters whose own piece is a dot: one wider than MAX_DOT_WIDTH advances is the dot and a mark struck
#: into it, read as that mark.
DOTTED = frozenset("ij")
MAX_DOT_WIDTH = 0.3
#: Letters with a hat or breve: a tone mark rides above it.
HATTED = frozenset("ăâêôĂÂÊÔ")
#: What an engine reads a loose mark as when it reads it at all ("Nư”" for Nữ, "Ha'`" for Hà, "tê/" for tế,
#: "phô?" for phố).
MARK_LIKE = frozenset("\"'`´˜~^ˆ”“‘’/?")
#: Punctuation after a word (the engine reads a comma as ")" too), over whose slot a mark may drift.
TRAILING_PUNCTUATION = frozenset(",.;:)")
#: How far (in advances) a letter's own hat or dot may lie from its slot's centre.
SLOT_TOLERANCE = 0.3
#: Two vowels that may stand side by side in a Vietnamese word (with the u of qu and the i of gi).
VOWEL_PAIRS = frozenset({"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi",
                         "oo", "ôi", "ơi", "ơu", "ua", "uâ", "uă", "ue", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi",
                         "ươ", "ưu", "ya", "yê"})
#: Open vowel pairs whose tone mark either vowel may carry (the old and the new placement).
OPEN_PAIRS = frozenset({"oa", "oe", "uy"})
#: Confidence at most of a word whose mark may belong to either of two vowels.
UNSURE_PLACEMENT_CONFIDENCE = 0.5
#: How far under the baseline (in word heights) a dot below may start.
BELOW_DEPTH = 0.25


def _letter(char: str) -> tuple[str, bool]:
    """(the letter without its tone mark, whether it carries one). A mark no Vietnamese letter has ("ä") is
    the engine's reading of a loose tone mark's ink: the letter is the one under it."""
    decomposed = unicodedata.normalize("NFD", char)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)
                                                 or c in LETTER_MARKS))
    return base, any(c in TONE_MARKS for c in decomposed)


def _plain(letter: str) -> str:
    """The letter without its hat, breve or horn (â → a, ơ → o)."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", letter)
                                                if c not in LETTER_MARKS))


def _letters(text: str) -> list[tuple[str, bool]]:
    """``_letter`` of each character of a word, a 1 among letters taken for the i it is: a typewriter's i
    with its dot is read as a 1 ("Th1" for Thị), and the mark struck beside it is the i's."""
    among_letters = any(ch.isalpha() for ch in text)
    return [("i", False) if ch == "1" and among_letters else _letter(ch) for ch in text]


@dataclass(frozen=True)
class WordTones:
    """The tone marks found by shape over one word's letters: the word's box and length as first read, and
    letter index → combining tone mark."""

    bbox: tuple[int, int, int, int]
    length: int
    tones: dict[int, str]
    #: Letters whose mark could as well have drifted from the vowel before (Hòa or Hoà): both spellings
    #: are valid, and the book's is not known.
    unsure: frozenset[int] = frozenset()


@dataclass
class CellMarks:
    """One cell's separately struck marks: the cell with its loose marks put back over their vowels (None
    when none had to move), and the tones their shapes say."""

    image: np.ndarray | None = None
    words: list[WordTones] = field(default_factory=list)


def reseat(crops: list[np.ndarray], words: list[list[Word]]) -> list[CellMarks | None]:
    """For each crop (black text on white) of one page's cells, its separately struck tone marks: the loose
    ones moved over their vowels, and each mark's tone told by its shape (``ocr.mark_shapes``); None for a
    cell with no mark found. Nothing is done unless the cells' text, taken together, is monospaced.
    ``words`` are the engine's words of each crop, in its pixels."""
    found = []
    for crop, crop_words in zip(crops, words):
        count, labels, stats, _ = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
        pieces = [tuple(int(v) for v in stats[i, :4]) + (i,) for i in range(1, count)]
        word_bodies = [(word, letter_bodies(word, pieces)) for word in crop_words]
        found.append((labels, pieces, word_bodies, neighbours([bodies for _, bodies in word_bodies])))
    result: list[CellMarks | None] = [None] * len(crops)
    if not is_monospaced([pairs for *_, pairs in found]):
        return result
    marks_per_cell = []
    for labels, pieces, word_bodies, pairs in found:
        cell_marks = []
        for word, bodies in word_bodies:
            pitch = median(step for step, _ in pairs) if len(pairs) >= 2 else word.bbox[2] / max(1, len(word.text))
            higher = [baseline_span(other, others) for other, others in word_bodies
                      if other is not word and is_word_above(other, others, word, bodies)]
            cell_marks.append((word, pitch, _tone_marks(word, pieces, bodies, pitch, labels, higher)))
        marks_per_cell.append(cell_marks)
    usual = _usual_drift([m for cell in marks_per_cell for _, _, marks in cell for m in marks])
    for index, (crop, (labels, *_), cell_marks) in enumerate(zip(crops, found, marks_per_cell)):
        cell = CellMarks()
        for word, pitch, marks in cell_marks:
            tones, unsure = {}, set()
            for mark in marks:
                mark = _settled_placement(mark, usual, pitch)
                if mark.shift != (0, 0):
                    if cell.image is None:
                        cell.image = crop.copy()
                    _move(cell.image, labels, mark.piece, mark.shift)
                if mark.tone is not None:
                    tones[mark.host] = mark.tone
                    if mark.placement_unsure:
                        unsure.add(mark.host)
            if tones:
                cell.words.append(WordTones(word.bbox, len(unicodedata.normalize("NFC", word.text)), tones,
                                            frozenset(unsure)))
        if cell.image is not None or cell.words:
            result[index] = cell
    return result


#: Marks of certain vowel needed on a page to know how far its typewriter strikes them off their letter.
MIN_DRIFTS = 6
#: How much nearer (in advances) the page's usual drift one vowel of oa/oe/uy must put a mark than the other.
PLACEMENT_MARGIN = 0.25


def _usual_drift(marks: list[Mark]) -> float | None:
    """The page's usual offset of a mark from its vowel (a typewriter strikes them all alike), from the
    marks whose vowel is certain; None when too few."""
    drifts = [m.drift for m in marks if not m.placement_unsure and m.tone is not None]
    return float(median(drifts)) if len(drifts) >= MIN_DRIFTS else None


def _settled_placement(mark: Mark, usual: float | None, pitch: float) -> Mark:
    """A mark over the second vowel of an open oa, oe or uy (Hoà) may have been struck for the first (Hòa)
    and drifted: the vowel for which its offset is the page's usual one, when clearly so; else unsure."""
    if not mark.placement_unsure or usual is None:
        return mark
    as_second, as_first = abs(mark.drift - usual), abs(mark.drift + 1.0 - usual)
    if as_second + PLACEMENT_MARGIN < as_first:
        return replace(mark, placement_unsure=False)
    if as_first + PLACEMENT_MARGIN < as_second:
        return replace(mark, host=mark.host - 1, shift=(round(mark.shift[0] - pitch), mark.shift[1]),
                       placement_unsure=False, drift=mark.drift + 1.0)
    return mark


def retone(words: list[Word], marks: list[WordTones]) -> tuple[list[Word], bool]:
    """``words`` (the cell's final reading) with each vowel's tone set to the one its mark's shape says,
    where the word still lines up letter for letter with the one the marks were found on; and whether any
    letter changed. A word whose mark may belong to either of two vowels keeps at most
    ``UNSURE_PLACEMENT_CONFIDENCE``, so that it goes to review."""
    result, changed = list(words), False
    for found in marks:
        index = _same_word(result, found)
        if index is None:
            continue
        letters = list(unicodedata.normalize("NFC", result[index].text))
        bases = [base for base, _ in _letters("".join(letters))]
        if len(found.tones) == 1 and all(0 <= h < len(letters) and bases[h] in VOWELS for h in found.tones):
            # A syllable carries one tone: the one its mark's shape says, on the vowel the mark belongs to.
            letters = [_letter(ch)[0] if i not in found.tones and _letter(ch)[0] in VOWELS else ch
                       for i, ch in enumerate(letters)]
        for host, tone in found.tones.items():
            if bases[host] in VOWELS:
                toned = unicodedata.normalize("NFC", bases[host] + tone)
                changed |= toned != letters[host]
                letters[host] = toned
        word = result[index]
        conf = min(word.conf, UNSURE_PLACEMENT_CONFIDENCE) if found.unsure else word.conf
        result[index] = Word("".join(letters), conf, word.bbox, word.line)
    return result, changed


def placements_seen(words: list[Word], marks: list[WordTones]) -> bool:
    """Whether each word of ``words`` (a cell's final reading) with a tone on an open oa, oe or uy at its
    end (Hòa or Hoà: both placements are spelled) has that tone on the vowel its mark was found over, and
    settled there (see ``_settled_placement``). Where the engine placed a tone no mark was found for, the
    placement is its language model's guess."""
    for word in words:
        letters = [_letter(ch) for ch in unicodedata.normalize("NFC", word.text)]
        toned_pair = [slot for slot in range(1, len(letters)) if _either_vowel(letters, slot)
                      and (letters[slot][1] or letters[slot - 1][1])]
        if not toned_pair:
            continue
        slot = toned_pair[0]
        host = slot if letters[slot][1] else slot - 1
        # The first reading may have held the loose mark as a letter of its own ("Hoa`"): match by the ink.
        found = next((m for m in marks if _same_word([word], m, any_length=True) is not None), None)
        if found is None or host not in found.tones or host in found.unsure:
            return False
    return True


def _same_word(words: list[Word], found: WordTones, any_length: bool = False) -> int | None:
    """The word of ``words`` over the same ink as ``found`` and as long (unless ``any_length``), if any."""
    fw, fh = found.bbox[2:]
    for index, word in enumerate(words):
        _, _, w, h = word.bbox
        same_length = any_length or len(unicodedata.normalize("NFC", word.text)) == found.length
        if shared_area(word.bbox, found.bbox) >= 0.5 * min(w * h, fw * fh) and same_length:
            return index
    return None


@dataclass(frozen=True)
class Mark:
    piece: tuple[int, int, int, int, int]  # x, y, w, h, label
    host: int  # index of its vowel in the word
    shift: tuple[int, int]  # (x, y) pixels to put it over its vowel; (0, 0) when it stands there
    tone: str | None  # the combining tone mark its shape is, if it can be told
    placement_unsure: bool = False  # it may have drifted here from the vowel before (see _either_vowel)
    drift: float = 0.0  # how far right of its vowel's centre it was struck, in advances


def _tone_marks(word: Word, pieces: list[tuple[int, int, int, int, int]], bodies: list[tuple], pitch: float,
                labels: np.ndarray, lines_above: list[tuple[float, float, float]] = ()) -> list[Mark]:
    """The tone marks of one word: pieces of ink above the letters or under the baseline that are not a
    letter's own hat or dot, each with its vowel. A piece above the letters that starts above the baseline
    of a word of the line above (``lines_above``: left, right, baseline), or crosses it, hangs from that
    word: the comma ending the line above stands over the letters below."""
    text = unicodedata.normalize("NFC", word.text)
    # A mark of the word before read as the start of this one ("“Thi," after "Ly´") stands on no slot of
    # its letters: slots count from the first letter, hosts from the text's start.
    lead = len(text) - len(text.lstrip("".join(MARK_LIKE)))
    letters = _letters(text[lead:])
    wx, wy, ww, wh = word.bbox
    if len(letters) < 2 or len(bodies) < 2 or not any(base in VOWELS for base, _ in letters):
        return []
    origin = bodies[0][0] + bodies[0][2] / 2 - pitch / 2  # the left edge of the first letter's slot
    near = [p for p in pieces if origin - pitch / 2 < p[0] + p[2] / 2 < origin + (len(letters) + 1) * pitch
            and p[1] < wy + 1.5 * wh and p[1] + p[3] > wy - 0.5 * wh]
    baseline = median(p[1] + p[3] for p in bodies)
    x_line = sorted(p[1] for p in bodies)[len(bodies) * 3 // 4]  # most letters are x-height letters
    body_area = median(p[2] * p[3] for p in bodies)
    small = [p for p in near if p not in bodies and p[2] * p[3] <= 0.4 * body_area and p[3] <= 0.4 * wh]
    above = {p for p in small if p[1] + p[3] <= x_line + 0.1 * wh
             and not any(hangs_from(p, span, pitch, wh) for span in lines_above)}
    # A dot below hangs just under its letter; lower down is the next line's hat or mark.
    below = {p for p in small if baseline - 0.02 * wh <= p[1] <= baseline + BELOW_DEPTH * wh}
    own = _own_pieces(letters, above, origin, pitch)
    marks = []
    for piece in sorted(above | below, key=lambda p: p[0]):
        if piece in own:
            continue
        x, y, w, h, label = piece
        position = (x + w / 2 - origin) / pitch
        slot = int(position)
        offset = position - slot - 0.5  # from the slot's centre, in advances
        letter, toned = letters[slot] if 0 <= slot < len(letters) else (" ", False)
        if letter in MARK_LIKE or (piece in below and letter in ".,:;"):
            letter = " "  # the mark itself, read as punctuation
        elif piece in above and letter in TRAILING_PUNCTUATION:
            letter = " "  # drifted over the comma after the word: the comma sits on the baseline, not up here
        if not (letter.isalpha() or letter == " "):
            continue  # a letter the engine could not read: its own dot or hat, for all we know
        mask = labels[y:y + h, x:x + w] == label
        if letter in DOTTED and piece in above and w > MAX_DOT_WIDTH * pitch:
            mask = _without_dot(mask, x, bodies, labels)
        tone = classify_mark(mask, below=piece in below)
        if piece in below and tone is None:
            continue  # no dot: the next line's raised mark, or a comma
        if letter in VOWELS and toned and _impossible_after(letters, slot):
            letter, toned = "c", False  # a consonant read as a toned vowel under a drifted mark ("Đưé")
        if letter in VOWELS and (toned or abs(offset) < 0.2):
            marks.append(Mark(piece, slot + lead, (0, 0), tone, _either_vowel(letters, slot), offset))  # over it
            continue
        if letter in VOWELS and _either_vowel(letters, slot):
            # Off the centre of an open pair's second vowel: struck for the first and drifted, or its own struck
            # off. The page's usual drift tells which (see _settled_placement); nothing else does.
            marks.append(Mark(piece, slot + lead, (round(-offset * pitch), 0), tone, True, offset))
            continue
        host = slot if letter in VOWELS and offset > 0 else slot - 1
        if not 0 <= host < len(letters) or letters[host][0] not in VOWELS:
            continue
        # A vowel the engine read with a tone already may still own this loose mark: an engine reading
        # "Đực" for a drifted acute invents the dot below, and the mark's shape says which tone it is.
        if letters[host][1] and tone is None:
            continue
        shift_y = 0
        if piece in above and letters[host][0] in HATTED:
            hat = _hat_over(near, origin + host * pitch, pitch, x_line, wh, piece)
            if hat is not None and y + h > hat[1] - 0.04 * wh:
                shift_y = round(hat[1] - 0.06 * wh - (y + h))  # above the hat, not on it
        host_centre = origin + (host + 0.5) * pitch
        marks.append(Mark(piece, host + lead, (round(host_centre - (x + w / 2)), shift_y), tone,
                          drift=(x + w / 2 - host_centre) / pitch))
    return marks


def _without_dot(mask: np.ndarray, x: int, bodies: list[tuple], labels: np.ndarray) -> np.ndarray:
    """A mark struck into the dot of an i or j, without the dot: the columns over the nearest letter's stem
    (its most inked columns), as wide as the stem, are the dot's."""
    centre = x + mask.shape[1] / 2
    bx, by, bw, bh, label = min(bodies, key=lambda b: abs(b[0] + b[2] / 2 - centre))
    columns = (labels[by:by + bh, bx:bx + bw] == label).sum(axis=0)
    stem = np.nonzero(columns >= 0.6 * columns.max())[0] + bx - x
    kept = mask.copy()
    kept[:, max(0, stem.min() - 1):max(0, stem.max() + 2)] = False
    return kept


def _impossible_after(letters: list[tuple[str, bool]], slot: int) -> bool:
    """Whether the vowel in ``slot`` cannot follow the untoned vowel before it in a Vietnamese word ("ưe"):
    then the engine read a consonant with a drifted mark over it as a toned vowel ("Đưé" for Đức). Not when
    the vowel without its hat, breve or horn can: the engine made a hat of the mark's ink ("Hoấ" for Hoá)."""
    if slot < 1 or letters[slot - 1][1] or letters[slot - 1][0] not in VOWELS:
        return False
    before = letters[slot - 1][0]
    return all((before + vowel).lower() not in VOWEL_PAIRS for vowel in (letters[slot][0], _plain(letters[slot][0])))


def _either_vowel(letters: list[tuple[str, bool]], slot: int) -> bool:
    """Whether a mark over this letter may have drifted from the vowel before: the second vowel of an
    open oa, oe or uy, where both tone placements are spelled (Hòa, Hoà)."""
    if slot < 1 or (slot + 1 < len(letters) and letters[slot + 1][0].isalpha()):
        return False
    pair = (letters[slot - 1][0] + _plain(letters[slot][0])).lower()  # "Hoấ": a hat made of the mark's ink
    after_q = slot >= 2 and letters[slot - 2][0].lower() == "q"  # qu: the u is the consonant's
    return pair in OPEN_PAIRS and not after_q


def _own_pieces(letters: list[tuple[str, bool]], above: set[tuple], origin: float, pitch: float) -> set[tuple]:
    """The hat, breve or dot of each letter that has one: of the pieces above the letters, the one nearest
    its slot's centre (a tone mark struck beside it is the other)."""
    own = set()
    for slot, (letter, _) in enumerate(letters):
        if letter not in OWN_PIECE:
            continue
        centre = origin + (slot + 0.5) * pitch
        close = [p for p in above - own if abs(p[0] + p[2] / 2 - centre) < SLOT_TOLERANCE * pitch
                 and not (letter in DOTTED and p[2] > MAX_DOT_WIDTH * pitch)]
        if close:
            own.add(min(close, key=lambda p: abs(p[0] + p[2] / 2 - centre)))
    return own


def _hat_over(pieces: list[tuple], slot_left: float, pitch: float, x_line: float, height: int,
              mark: tuple) -> tuple | None:
    """The hat or breve of the letter in the slot starting at ``slot_left``: the small piece above the
    letters, centred over that slot."""
    for piece in pieces:
        x, y, w, h, _ = piece
        if piece is not mark and y + h <= x_line + 0.1 * height and h < 0.4 * height \
                and abs(x + w / 2 - (slot_left + pitch / 2)) < SLOT_TOLERANCE * pitch:
            return piece
    return None


def _move(image: np.ndarray, labels: np.ndarray, piece: tuple[int, int, int, int, int],
          shift: tuple[int, int]) -> None:
    """Move one piece of ink by ``shift`` (x, y) pixels: erased where it was, drawn where it belongs."""
    x, y, w, h, label = piece
    target_x, target_y = x + shift[0], y + shift[1]
    if target_x < 0 or target_y < 0 or target_x + w > image.shape[1] or target_y + h > image.shape[0]:
        return
    mask = labels[y:y + h, x:x + w] == label
    patch = image[y:y + h, x:x + w]
    values = patch[mask].copy()
    patch[mask] = 255
    target = image[target_y:target_y + h, target_x:target_x + w]
    target[mask] = np.minimum(target[mask], values)
