"""A lone tone mark is told by its shape, in any typeface: marks cut from the glyphs of seven faces (serif,
sans, monospaced, bold) at three sizes, none of them tuned on."""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.mark_shapes import ACUTE, DOT_BELOW, GRAVE, HOOK, TILDE, classify_mark

FACES = [f"/usr/share/fonts/truetype/{path}" for path in (
    "dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSans.ttf", "noto/NotoSans-Regular.ttf",
    "noto/NotoSerif-Regular.ttf", "dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSerif-Bold.ttf")]
TONES = (ACUTE, GRAVE, TILDE, HOOK, DOT_BELOW)


def _glyph(font: ImageFont.FreeTypeFont, text: str) -> np.ndarray:
    image = Image.new("L", (220, 220), 0)
    ImageDraw.Draw(image).text((60, 50), text, font=font, fill=255)
    return np.asarray(image) > 100


def _mark(font: ImageFont.FreeTypeFont, base: str, tone: str) -> tuple[np.ndarray, bool]:
    """The tone mark's largest piece of ink (the toned letter minus the plain one), and whether it lies
    under the letter's baseline."""
    plain = _glyph(font, base)
    ink = _glyph(font, unicodedata.normalize("NFC", base + tone)) & ~plain
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8))
    assert count > 1, f"{base}{tone} drew no mark"
    index = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = stats[index, :4]
    return labels[y:y + h, x:x + w] == index, y > np.nonzero(plain)[0].max() - 2


def test_the_five_marks_are_told_apart_in_faces_never_tuned_on():
    told = wrong = 0
    cases = [(face, size, base, tone) for face in FACES for size in (28, 40, 60) for base in "aeou" for tone in TONES]
    for face, size, base, tone in cases:
        mask, below = _mark(ImageFont.truetype(face, size), base, tone)
        got = classify_mark(mask, below)
        told += got == tone
        wrong += got is not None and got != tone
    assert told >= 0.95 * len(cases), (told, len(cases))
    # Not telling is a flag; telling wrong is a misread: it must stay rare.
    assert wrong <= 0.01 * len(cases), (wrong, len(cases))


@pytest.mark.parametrize("shape", ["speck", "hat", "dot"])
def test_what_is_no_tone_mark_is_not_taken_for_one(shape):
    if shape == "speck":
        mask = np.ones((2, 2), bool)
    elif shape == "hat":  # ^ : a letter's own hat, symmetric, not a tilde
        mask = np.zeros((6, 12), bool)
        for x in range(12):
            mask[min(5, abs(x - 6)), x] = True
            mask[min(5, abs(x - 6) + 1) if abs(x - 6) < 5 else 5, x] = True
    else:  # the dot over an i: a filled blob
        mask = np.ones((5, 5), bool)
    assert classify_mark(mask, below=False) is None


def _blurred_mark(font: ImageFont.FreeTypeFont, base: str, tone: str, blur: float) -> np.ndarray | None:
    """The tone mark's largest piece as a blurred scan shows it: the toned letter blurred and thresholded,
    less the plain letter's ink (grown by a pixel)."""
    def scanned(text: str) -> np.ndarray:
        image = Image.new("L", (220, 220), 0)
        ImageDraw.Draw(image).text((60, 50), text, font=font, fill=255)
        return cv2.GaussianBlur(np.asarray(image).astype(np.float32), (0, 0), blur) > 110

    plain = cv2.dilate(scanned(base).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ink = scanned(unicodedata.normalize("NFC", base + tone)) & ~plain
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8))
    if count < 2:
        return None
    index = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = stats[index, :4]
    return labels[y:y + h, x:x + w] == index


def test_a_blurred_acute_or_grave_is_no_hook_and_a_blurred_hook_no_acute_or_grave():
    """Blur thickens a straight stroke until it is hardly longer than wide, like a hook; it stays convex and
    leaning. Monospaced and italic faces at typewriter sizes, blurred as a mixed-quality scan."""
    faces = [f"/usr/share/fonts/truetype/{path}" for path in (
        "dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSans.ttf", "noto/NotoSerif-Regular.ttf",
        "noto/NotoSans-Italic.ttf")]
    taken_for_hook = straight = hooks = hooks_taken_for_strokes = 0
    for face in faces:
        for size in (28, 34):
            font = ImageFont.truetype(face, size)
            for blur in (1.2, 1.6):
                for base in "aeou":
                    for tone in (ACUTE, GRAVE, HOOK):
                        mask = _blurred_mark(font, base, tone, blur)
                        if mask is None:
                            continue
                        got = classify_mark(mask, below=False)
                        if tone == HOOK:
                            hooks += 1
                            hooks_taken_for_strokes += got in (ACUTE, GRAVE)
                        else:
                            straight += 1
                            taken_for_hook += got == HOOK
    assert straight > 50 and hooks > 25
    assert taken_for_hook <= 0.02 * straight, (taken_for_hook, straight)
    assert hooks_taken_for_strokes == 0, (hooks_taken_for_strokes, hooks)
