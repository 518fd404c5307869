"""Which tone mark (dấu thanh = tone mark) a lone piece of ink is, told by its shape.

An engine reads a word's letters well and its marks badly when they were struck on their own, as on a
typewriter: a tilde over a hat comes back as a hook, a grave as a hook. A mark is one short stroke, and the
five are told apart by geometry that any typeface keeps:

    below the letters            dot below (nặng)
    a flat wave                  tilde (ngã)
    a straight stroke, rising →  acute (sắc)        rising ←  grave (huyền)
    a curl, taller than wide     hook above (hỏi)

The stroke's direction is its principal axis (second moments of its pixels); straightness is how much longer
that axis is than the other. A blurred acute or grave thickens until it is hardly longer than wide, like a
hook; it stays convex, though, where a hook curls around empty space, and it leans where a blurred hook
stands nearly upright. Anything else (a speck, a broken mark, a letter's own dot) is no mark: None.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

ACUTE, GRAVE, TILDE, HOOK, DOT_BELOW = "\u0301", "\u0300", "\u0303", "\u0309", "\u0323"
#: A stroke this many times longer than it is thick is straight (an acute or grave; a hook curls back).
STRAIGHT = 2.4
#: A straight stroke this close to horizontal (degrees) is too flat to tell acute from grave.
MIN_SLANT = 20.0
#: A tilde lies flat: at least this much wider than tall, and its axis within this many degrees of level.
TILDE_ASPECT = 1.35
TILDE_TILT = 30.0
#: A hook stands at least this tall for its width and fills its box thinly (a dot fills it nearly whole).
HOOK_ASPECT = 0.65
HOOK_MAX_FILL = 0.6
#: Fewer pixels than this is a speck, not a mark one can read.
MIN_PIXELS = 6
#: A thick stroke (a blurred acute or grave) is at least this elongated, this convex (its ink over its convex
#: hull's), and leans between MIN_SLANT and this many degrees: a hook curls (less convex) or, blurred,
#: stands nearly upright. On marks cut from ten faces at four sizes and four blurs: 220 acutes and graves
#: taken for hooks or for no mark are told, and no hook is taken for either.
THICK_STROKE = 1.8
THICK_STROKE_SOLIDITY = 0.84
THICK_STROKE_MAX_SLANT = 60.0


def classify_mark(mask: np.ndarray, below: bool) -> str | None:
    """The combining tone mark that ``mask`` (True on the piece's ink, cropped to it) is, or None.
    ``below``: the piece lies under the letters' baseline."""
    ys, xs = np.nonzero(mask)
    if len(xs) < MIN_PIXELS:
        return None
    height, width = mask.shape
    angle, elongation = _principal_axis(xs.astype(float), ys.astype(float))
    if below:
        # Only one mark sits under the line, and it is a compact blob: a comma, or the slanted stroke of a
        # grave raised over the next line's hat, is not it.
        return DOT_BELOW if 0.5 <= width / height <= 2.0 and elongation < STRAIGHT else None
    if width >= TILDE_ASPECT * height and abs(angle) <= TILDE_TILT and not _is_chevron(mask):
        return TILDE
    if elongation >= STRAIGHT and abs(angle) >= MIN_SLANT or (
            elongation >= THICK_STROKE and MIN_SLANT <= abs(angle) <= THICK_STROKE_MAX_SLANT
            and _solidity(mask, len(xs)) >= THICK_STROKE_SOLIDITY):
        # Image rows grow downward: a stroke rising to the right has its axis at a negative angle.
        return ACUTE if angle < 0 else GRAVE
    fill = len(xs) / float(width * height)
    if height >= HOOK_ASPECT * width and fill <= HOOK_MAX_FILL and elongation < STRAIGHT:
        return HOOK
    return None


def _principal_axis(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """(angle of the long axis in degrees, -90..90, x to the right and y downward; how many times the long
    axis's spread exceeds the short one's)."""
    dx, dy = xs - xs.mean(), ys - ys.mean()
    cxx, cyy, cxy = float((dx * dx).mean()), float((dy * dy).mean()), float((dx * dy).mean())
    angle = 0.5 * math.degrees(math.atan2(2 * cxy, cxx - cyy))
    spread = math.sqrt(((cxx - cyy) / 2) ** 2 + cxy ** 2)
    major, minor = (cxx + cyy) / 2 + spread, max((cxx + cyy) / 2 - spread, 1e-6)
    return angle, math.sqrt(major / minor)


def _solidity(mask: np.ndarray, pixels: int) -> float:
    """The piece's ink over the area of its convex hull (the hull's boundary pixels counted in): near 1 for
    a stroke, lower for a curl."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    hull = cv2.convexHull(np.vstack(contours))
    return pixels / (cv2.contourArea(hull) + 0.5 * cv2.arcLength(hull, True) + 1.0)


def _is_chevron(mask: np.ndarray) -> bool:
    """A hat (^) or a breve, not a tilde: the top edge of a hat or breve is symmetric about its middle, a
    tilde's is the mirror image of itself turned upside down (high on one side where it is low on the other)."""
    tops = np.array([np.argmax(column) for column in mask.T if column.any()], dtype=float)
    if len(tops) < 4 or tops.std() == 0:
        return False
    profile = tops - tops.mean()
    return float(np.dot(profile, profile[::-1])) > 0
