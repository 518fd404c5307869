"""Tone marks a typewriter struck apart from their letters are put back over their vowels (real Tesseract),
and nothing moves in proportional type."""

from __future__ import annotations

import unicodedata

from ocr.marks import reseat
from ocr.monospace import is_monospaced
from tests.ocr.render import typewritten_cell

NAMES = ["Phạm Thị Thu", "Trần Văn Hùng", "Lê Thị Lợi"]
DPI = 300


def _text(engine, images):
    return [unicodedata.normalize("NFC", " ".join(w.text for w in words))
            for words in engine.recognize_many(images, DPI, psm=6)]


def test_marks_struck_to_the_right_of_their_vowel_are_read_once_put_back(engine):
    cells = [typewritten_cell([name], mark_shift=0.7) for name in NAMES]
    words = engine.recognize_many(cells, DPI, psm=6)
    moved = [cell.image if cell else None for cell in reseat(cells, words)]
    assert all(image is not None for image in moved), "every cell has a loose mark"
    again = _text(engine, moved)
    assert again[0].startswith("Phạm Thị"), again
    assert "Trần" in again[1] and "Hùng" in again[1], again


def test_proportional_type_is_never_touched(engine):
    from tests.ocr.render import FONT

    cells = [typewritten_cell([name], mark_shift=0.0, font_path=FONT) for name in NAMES * 2]
    words = engine.recognize_many(cells, DPI, psm=6)
    assert reseat(cells, words) == [None] * len(cells)


def test_monospaced_means_steady_steps_and_varying_blanks():
    steady = [[(24.0 + 0.3 * (i % 2), 4.0 + 3 * (i % 3)) for i in range(8)] for _ in range(3)]
    proportional = [[(20.0 + 5 * (i % 3), 3.0 + 0.2 * (i % 2)) for i in range(8)] for _ in range(3)]
    assert is_monospaced(steady)
    assert not is_monospaced(proportional)
    assert not is_monospaced(steady[:1][:1]), "too few letters to tell"


def test_a_blurred_typewritten_page_is_still_monospaced():
    """Steps and blanks spread as on real pages (trimmed spreads, in advances): a mixed-quality typewritten
    page 2.8% and 3.8% (ink spreads into the blanks) is monospaced; a typed page (8%, 5%) and a handwritten
    one (9%, 7%) are not."""
    import random

    def pairs(step_sigma: float, gap_sigma: float, seed: int) -> list[list[tuple[float, float]]]:
        rng = random.Random(seed)
        return [[(24.0 * (1 + rng.gauss(0, step_sigma)), 24.0 * (0.2 + rng.gauss(0, gap_sigma)))
                 for _ in range(10)] for _ in range(40)]

    assert is_monospaced(pairs(0.045, 0.06, 2))
    assert not is_monospaced(pairs(0.13, 0.08, 2))
    assert not is_monospaced(pairs(0.17, 0.11, 3))


def test_marks_over_their_vowel_take_the_tone_their_shape_says(engine):
    """Marks struck a little right of their letter: the engine may read a tilde over a hat as a hook; the mark's
    own shape decides. Each word is compared with what was typed."""
    from ocr.cells import _with_marks_reseated

    typed = ["Nguyễn Thị Bùi", "Đỗ Văn Hùng", "Lê Thị Ngã", "Vũ Đình Tiến"]
    cells = [typewritten_cell([name], mark_shift=0.3) for name in typed]
    first = engine.recognize_many(cells, DPI, psm=6)
    keys = [f"cell{i}" for i in range(len(cells))]
    changed: set[str] = set()
    final = _with_marks_reseated(keys, cells, first, DPI, engine, changed)

    def right(readings):
        return sum(word == truth for words, name in zip(readings, typed)
                   for word, truth in zip([unicodedata.normalize("NFC", w.text) for w in words], name.split()))

    said = " ".join(w.text for words in final for w in words)
    assert right(final) > right(first), said
    # The engine reads these graves as hooks (Bủi, Hủng, Đỉnh); their shape is a grave's.
    assert {"Bùi", "Hùng", "Đình"} <= set(unicodedata.normalize("NFC", said).split()), said


def test_a_mark_that_may_belong_to_either_vowel_of_oa_is_left_to_a_reviewer():
    from ocr.engine import Word
    from ocr.marks import WordTones, retone

    words = [Word("Hoa", 0.95, (0, 0, 60, 20)), Word("Bình", 0.95, (70, 0, 80, 20))]
    marks = [WordTones((0, 0, 60, 20), 3, {2: "\u0300"}, frozenset({2})), WordTones((70, 0, 80, 20), 4, {2: "\u0300"})]
    retoned, changed = retone(words, marks)
    assert changed and [w.text for w in retoned] == ["Hoà", "Bình"]
    assert retoned[0].conf <= 0.5 and retoned[1].conf == 0.95


def _reseated_words(engine, cells):
    from ocr.cells import _with_marks_reseated

    first = engine.recognize_many(cells, DPI, psm=6)
    final = _with_marks_reseated([f"cell{i}" for i in range(len(cells))], cells, first, DPI, engine, {})
    return [unicodedata.normalize("NFC", " ".join(w.text for w in words)) for words in final]


def test_the_comma_ending_a_line_is_no_mark_of_the_line_below(engine):
    """Typed single-spaced, the comma after "Xương," hangs over the "ê" of the line below: it is that line's
    comma, not an acute for "Biên"."""
    cells = [typewritten_cell(["xã Thanh Xương,", "huyện Điện Biên,"], mark_shift=0.5, line_height=1.2),
             *(typewritten_cell([name], mark_shift=0.5) for name in NAMES)]
    said = _reseated_words(engine, cells)[0]
    assert "Biến" not in said and "Biên" in said, said


def _typed_letters(count: int, tall: int = 1):
    """A drawn word (ink 255): ``count`` letters of one 24-pixel advance each, the first ``tall`` as tall as
    a capital, the rest of the x-height."""
    import cv2
    import numpy as np

    image = np.zeros((80, 120), np.uint8)
    for index in range(count):
        left = 10 + 24 * index
        cv2.rectangle(image, (left, 30 if index < tall else 38), (left + 16, 60), 255, -1)
    return image


def _marks_found(image, word):
    """The tone marks ``_tone_marks`` finds for ``word`` on a drawn image, its pieces the image's ink."""
    import cv2

    from ocr.marks import _tone_marks
    from ocr.monospace import letter_bodies

    count, labels, stats, _ = cv2.connectedComponentsWithStats(image, connectivity=8)
    pieces = [tuple(int(v) for v in stats[i, :4]) + (i,) for i in range(1, count)]
    return _tone_marks(word, pieces, letter_bodies(word, pieces), 24.0, labels)


def test_a_drifted_mark_replaces_the_tone_the_engine_guessed_for_its_vowel():
    """An acute struck over the c of "Đức", which the engine read as "Đực" (a dot below it invented): the
    loose mark is still the ư's, it moves over it, and its shape says acute."""
    import cv2

    from ocr.engine import Word

    image = _typed_letters(3)  # Đ, ư, c
    cv2.line(image, (61, 33), (67, 25), 255, 2)  # the acute, rising to the right, over the c's slot
    marks = _marks_found(image, Word("Đực", 0.9, (10, 25, 64, 36)))
    assert [(m.host, m.tone) for m in marks] == [(1, "\u0301")]
    assert marks[0].shift[0] < 0, "moved left, over the ư"


def test_a_hat_the_engine_made_of_a_marks_ink_leaves_the_vowel_a_vowel():
    """An acute struck just right of the a of "Hoá," which the engine read as "Hoấ,": no o is followed by an
    â, yet the letter is no consonant under a drifted mark (as in "Đưé" for Đức) but the a, whose own mark
    this may be (Hoá) as well as the o's (Hóa)."""
    import cv2

    from ocr.engine import Word

    image = _typed_letters(3)  # H, o, a
    cv2.rectangle(image, (84, 56), (87, 64), 255, -1)  # the comma
    cv2.line(image, (73, 33), (79, 25), 255, 2)  # the acute, right of the a's centre
    marks = _marks_found(image, Word("Hoấ,", 0.9, (10, 25, 78, 40)))
    assert [(m.host, m.tone, m.placement_unsure) for m in marks] == [(2, "\u0301", True)]


def test_a_mark_struck_past_the_word_and_read_as_a_question_mark_is_the_vowels():
    """ "Ha?" for Há: the acute landed past the a, and the engine read it as a question mark, which no name
    or place holds. It is the a's mark, moved back over it."""
    import cv2

    from ocr.engine import Word

    image = _typed_letters(2)  # H, a
    cv2.line(image, (65, 33), (71, 25), 255, 2)  # the acute, over the slot after the a
    marks = _marks_found(image, Word("Ha?", 0.9, (10, 25, 64, 36)))
    assert [(m.host, m.tone) for m in marks] == [(1, "\u0301")]
    assert marks[0].shift[0] < 0, "moved left, over the a"


def test_a_mark_left_of_an_open_pairs_second_vowel_may_be_either_vowels():
    """A grave over the left half of the a of "Hoa": the o's struck a little under an advance to the right
    (Hòa), or the a's struck a little to the left (Hoà). Neither is certain from the word alone: the page's
    usual drift must settle it."""
    import cv2

    from ocr.engine import Word

    image = _typed_letters(3)  # H, o, a
    cv2.line(image, (58, 25), (63, 33), 255, 2)  # the grave, falling to the right, left of the a's centre
    marks = _marks_found(image, Word("Hoa", 0.9, (10, 25, 64, 36)))
    assert [(m.host, m.tone, m.placement_unsure) for m in marks] == [(2, "\u0300", True)]
    assert -0.5 < marks[0].drift < -0.2 and marks[0].shift[0] > 0, "measured from the a, moved over it"


def test_the_pages_usual_drift_tells_which_vowel_of_oa_a_mark_was_struck_for():
    from ocr.marks import Mark, _settled_placement, _usual_drift

    piece = (0, 0, 4, 4, 1)
    certain = [Mark(piece, 1, (-15, 0), "\u0301", drift=d) for d in (0.55, 0.6, 0.65, 0.7, 0.75, 0.6)]
    usual = _usual_drift(certain)
    assert usual is not None and 0.6 <= usual <= 0.7
    # Over the a of "Hoa", a little left of its centre: struck for the o, one advance and a bit before.
    over_a = Mark(piece, 2, (0, 0), "\u0300", placement_unsure=True, drift=-0.1)
    settled = _settled_placement(over_a, usual, pitch=24)
    assert (settled.host, settled.placement_unsure, settled.shift[0]) == (1, False, -24)
    # Right of the a's centre by the usual drift: the a's own (Hoà).
    own = _settled_placement(Mark(piece, 2, (0, 0), "\u0300", placement_unsure=True, drift=0.62), usual, 24)
    assert (own.host, own.placement_unsure) == (2, False)
    # Halfway: either could be; left to a reviewer.
    assert _settled_placement(Mark(piece, 2, (0, 0), "\u0300", True, drift=0.15), usual, 24).placement_unsure
    assert _usual_drift(certain[:3]) is None, "too few certain marks to know the typewriter"


def test_a_words_one_tone_goes_to_the_vowel_its_mark_belongs_to():
    from ocr.engine import Word
    from ocr.marks import WordTones, retone

    retoned, changed = retone([Word("Hoà", 0.9, (0, 0, 60, 20))], [WordTones((0, 0, 60, 20), 3, {1: "\u0300"})])
    assert changed and retoned[0].text == "Hòa"


def test_a_toned_vowel_no_word_can_have_after_the_vowel_before_is_a_consonant_under_a_drifted_mark():
    from ocr.marks import _impossible_after, _letter

    letters = [_letter(c) for c in "Đưé"]
    assert _impossible_after(letters, 2), "ưe is no Vietnamese vowel pair: the é is a c under the ứ's acute"
    assert not _impossible_after([_letter(c) for c in "Hoà"], 2), "oa is"
    assert not _impossible_after([_letter(c) for c in "Nguyễn"], 4), "after a consonant nothing is impossible"


def test_a_mark_read_as_the_start_of_the_next_word_does_not_shift_its_letters(engine):
    """Struck a full advance right, the acute of "Lý" is read as a quote opening "Thi" ("Ly “Thi,"): the dot
    below of Thị is still counted from the T, so it goes back under its i."""
    from ocr.cells import _with_marks_reseated

    typed = ["Lý Thị Srây Ních", "Lý Thị Sa Rươl", "Lý Thị Mai"]
    cells = [typewritten_cell([name], mark_shift=0.9) for name in typed]
    first = engine.recognize_many(cells, DPI, psm=6)
    final = _with_marks_reseated([f"cell{i}" for i in range(len(cells))], cells, first, DPI, engine, set())
    texts = [unicodedata.normalize("NFC", " ".join(w.text for w in words)) for words in final]
    assert all(text.startswith("Lý Thị ") for text in texts), texts


def test_a_mark_drifted_over_the_comma_after_its_word_is_the_last_vowels(engine):
    """A mark struck a whole advance right of the word's last vowel stands over the comma that ends the word
    ("Hoà," typed as "Hoa,` "): it is the a's, not dropped and not the o's."""
    from ocr.cells import _with_marks_reseated

    typed = ["Đức Hoà, tỉnh", "Thuỵ Khuê, Hà Nội"]
    cells = [typewritten_cell([line], mark_shift=0.95) for line in typed]
    first = engine.recognize_many(cells, DPI, psm=6)
    final = _with_marks_reseated([f"cell{i}" for i in range(len(cells))], cells, first, DPI, engine, set())
    read = [unicodedata.normalize("NFC", " ".join(w.text for w in words)) for words in final]
    assert "Hoà," in read[0], read
    assert "Thuỵ," in read[1] or "Thuỵ" in read[1], read


def test_a_letter_with_a_mark_no_vietnamese_letter_has_takes_the_tone_its_mark_says():
    """The engine reads a loose grave over an a as a diaeresis ("Hoä"): the letter under it is an a, and the
    mark's shape gives its tone."""
    from ocr.engine import Word
    from ocr.marks import WordTones, retone

    words = [Word("Đức", 0.9, (0, 0, 60, 40), 0), Word("Hoä,", 0.8, (70, 0, 85, 40), 0)]
    read, changed = retone(words, [WordTones((70, 0, 85, 40), 4, {2: "\u0300"})])
    assert changed and read[1].text == "Hoà,", read[1].text


def test_the_comma_ending_the_line_above_is_no_mark_of_the_word_below():
    """Lines typed close together (pixels of a tuning page): the comma after "Phú," on the line above crosses
    that line's baseline and stands over the comma slot of "Hoa," below. It is that line's punctuation: taken
    for a loose mark of the a, it was moved onto it ("Hoá") and the line above lost its comma."""
    from ocr.engine import Word

    bodies = [(30, 93, 11, 28, 1), (48, 101, 10, 20, 2), (65, 101, 11, 20, 3)]  # H, o, a
    comma = (87, 80, 5, 8, 4)
    assert _marks_below(Word("Hoa,", 0.9, (30, 93, 62, 29)), bodies, comma, 17.5, (31, 92, 82.0)) == []


def _marks_below(word, bodies, piece, pitch, span_above):
    """The marks ``ocr.marks`` finds for ``word`` (its letters' ``bodies``, one small ``piece`` of ink over
    it) under a word of the line above spanning ``span_above`` (left, right, baseline)."""
    import numpy as np

    from ocr.marks import _tone_marks

    labels = np.zeros((200, 200), dtype=np.int32)
    for x, y, w, h, label in [*bodies, piece]:
        labels[y:y + h, x:x + w] = label
    return _tone_marks(word, [*bodies, piece], bodies, pitch, labels, lines_above=[span_above])


def test_a_placement_is_seen_only_where_a_settled_mark_was_found_over_that_vowel():
    from ocr.engine import Word
    from ocr.marks import WordTones, placements_seen

    box = (70, 0, 85, 40)
    hoa = [Word("Đức", 0.9, (0, 0, 60, 40)), Word("Hoà,", 0.8, box)]
    assert placements_seen(hoa, [WordTones(box, 4, {2: "\u0300"})])
    assert not placements_seen(hoa, [WordTones(box, 4, {2: "\u0300"}, unsure=frozenset({2}))]), "not settled"
    assert not placements_seen(hoa, []), "the engine's own placement: its language model's guess"
    assert not placements_seen([Word("Hòa,", 0.8, box)], [WordTones(box, 4, {2: "\u0300"})]), "another vowel"
    assert placements_seen([Word("Hoàng", 0.8, box)], []), "a closed syllable has one placement"
    # First read with the loose mark as a letter of its own ("Hoa`"): the same ink, one letter longer.
    assert placements_seen([Word("Hoà", 0.8, box)], [WordTones(box, 4, {2: "\u0300"})])


def test_a_dot_below_struck_beside_an_i_read_as_a_1_is_the_i_s():
    """A typewriter's i with its dot is read as a 1 ("Th1" for Thị), the dot below struck right of it: the
    mark is still found, and the i takes it."""
    import cv2

    from ocr.engine import Word
    from ocr.mark_shapes import DOT_BELOW
    from ocr.marks import WordTones, retone

    image = _typed_letters(3, tall=3)  # T, h, i, as tall as a capital
    cv2.rectangle(image, (72, 63), (75, 66), 255, -1)  # the dot below, a third of an advance right of the i
    marks = _marks_found(image, Word("Th1", 0.9, (10, 30, 66, 37)))
    assert [(m.host, m.tone) for m in marks] == [(2, DOT_BELOW)]
    read, changed = retone([Word("Th1,", 0.9, (10, 30, 80, 37))], [WordTones((10, 30, 80, 37), 4, {2: DOT_BELOW})])
    assert changed and read[0].text == "Thị,"
    # A 1 among digits is a digit: no letter takes a mark.
    assert retone([Word("21", 0.9, (10, 30, 40, 37))], [WordTones((10, 30, 40, 37), 2, {1: DOT_BELOW})])[1] is False


def test_a_mark_rising_across_the_baseline_between_the_letters_above_is_the_words():
    """Lines typed close together (pixels of a tuning page, "Gấm" under "Nguyễn Mỹ"): the acute struck over
    the m of "Gâm" reaches up across the baseline of "Nguyễn", between its letters. Only at a word's end
    is such a piece that word's comma; here it is the â's tone."""
    from ocr.engine import Word

    bodies = [(29, 140, 20, 29, 1), (54, 146, 18, 24, 2), (77, 146, 21, 24, 3)]  # G, â, m
    acute = (74, 128, 8, 8, 4)
    word = Word("Gâm", 0.9, (29, 137, 69, 33))
    marks = _marks_below(word, bodies, acute, 24.0, (30, 168, 131.0))
    assert [(m.piece, m.host) for m in marks] == [(acute, 1)]
    at_its_end = _marks_below(word, bodies, acute, 24.0, (-60, 80, 131.0))
    assert at_its_end == [], "at the end of the word above, it is that word's comma"


def test_letter_bodies_are_measured_on_the_words_ink_not_its_box():
    """An engine's box half as tall again as the word ("In", a speck below it): the n is a letter's body."""
    from ocr.engine import Word
    from ocr.monospace import letter_bodies

    pieces = [(300, 54, 8, 6, 1), (270, 65, 20, 35, 2), (299, 72, 20, 27, 3)]  # acute, I, n
    assert letter_bodies(Word("In", 0.9, (266, 50, 57, 61)), pieces) == [pieces[1], pieces[2]]


def test_a_mark_the_engine_read_as_a_word_of_its_own_is_no_line_above():
    """Pixels of a tuning page: the acute over "Anh" (Ánh), read by the engine as a word "'", stood on a
    line above the word, and the acute "hung from" itself, so "Ánh" stayed "Anh"."""
    from ocr.engine import Word
    from ocr.line_above import is_word_above

    word = Word("Anh", 0.9, (198, 115, 68, 30))
    bodies = [(198, 116, 22, 29, 1), (225, 122, 16, 23, 2), (249, 115, 17, 30, 3)]
    acute = (221, 107, 6, 5, 9)
    assert not is_word_above(Word("'", 0.4, acute[:4]), [acute], word, bodies)
    line_above = Word("Nguyễn", 0.9, (31, 60, 138, 45))
    assert is_word_above(line_above, [(31, 68, 20, 29, 4), (56, 76, 18, 31, 5), (80, 76, 17, 22, 6)], word, bodies)

