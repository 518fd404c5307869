"""Image operations on the binary page (255 = ink): ruling lines, ink measures, cell crops, and erasing the
printed furniture that is not text (dotted leaders, the walls of boxed digits).

Pure functions over numpy arrays; nothing here reads text.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.engine import BBox

#: Cells are read at no less than this resolution: tesseract misreads small digits at 200 dpi.
MIN_CELL_DPI = 300


@dataclass
class Rules:
    """The long ruling lines of a page: masks and the lines as boxes."""

    horizontal: np.ndarray
    vertical: np.ndarray
    h_lines: list[BBox]
    v_lines: list[BBox]


def find_rules(binary: np.ndarray, dpi: int) -> Rules:
    """Horizontal and vertical rules: ink runs longer than ~12 mm (morphological opening)."""
    length = max(20, int(dpi * 0.47))
    # Faded or thin column rules break into dashes after binarization: close gaps of up to ~0.8 mm along
    # them first. Only vertically: a bold word closed horizontally becomes as long as a short rule (and
    # "Nam/Nữ" was erased as one), while text is never tall.
    bridge = max(3, int(dpi * 0.03))
    along_y = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(along_y, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    # Bridge breaks in faint or noisy rules before measuring them.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (length // 4, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, length // 4)))
    return Rules(horizontal, vertical, boxes_of_mask(horizontal), boxes_of_mask(vertical))


def boxes_of_mask(mask: np.ndarray) -> list[BBox]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]


def remove_rules(binary: np.ndarray, rules: Rules, dpi: int = 300, doubts: list[BBox] | None = None) -> np.ndarray:
    """The binary page without its ruling lines (and their ragged edges), the walls of boxed digits and
    dotted leaders: what the OCR engine should see. ``doubts`` receives the leader dots kept under letters."""
    lines = cv2.bitwise_or(rules.horizontal, rules.vertical)
    size = max(3, int(round(dpi / 100)))
    lines = cv2.dilate(lines, np.ones((size, size), np.uint8))
    clean = cv2.bitwise_and(binary, cv2.bitwise_not(lines))
    clean = erase_box_walls(clean, binary, rules.horizontal, dpi)
    return erase_leaders(clean, dpi, doubts=doubts)


def erase_box_walls(clean: np.ndarray, binary: np.ndarray, horizontal: np.ndarray, dpi: int) -> np.ndarray:
    """Erase short vertical strokes that join a rule above to a rule below: the walls of the 12 boxes an ID
    number is written in (too short to be rules, they would be read as "|" or "1"). A written digit rarely
    touches both the top and the bottom line of its box, a wall always does."""
    short = max(8, int(dpi * 0.08))  # 2 mm
    strokes = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, short)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    if count <= 1:
        return clean
    result = clean.copy()
    reach = max(3, int(dpi * 0.01))
    height = binary.shape[0]
    for index in range(1, count):
        x, y, w, h = stats[index, :4]
        if w > dpi * 0.04 or h > dpi * 0.5:  # thick blobs are ink, long lines already are rules
            continue
        above = horizontal[max(0, y - reach):y + reach, x:x + w].any()
        below = horizontal[max(0, y + h - reach):min(height, y + h + reach), x:x + w].any()
        if above and below:
            pad = max(1, int(dpi * 0.004))
            result[y:y + h, max(0, x - pad):x + w + pad] = 0
    return result


def erase_leaders(clean: np.ndarray, dpi: int, keep_under_ink: bool = True,
                  doubts: list[BBox] | None = None) -> np.ndarray:
    """Erase dotted leaders (".........." after a printed label, where the value is written): runs of at
    least five small dots on one line, most of them evenly spaced. A dot with ink right above it is kept
    (``keep_under_ink``): it may be a letter's dot below (ạ, ị) or, under a written value, harmless; a tone
    mark must never be lost."""
    count, _, stats, centroids = cv2.connectedComponentsWithStats(clean, connectivity=8)
    small = max(2, int(dpi * 0.02))  # 0.5 mm
    dots = [i for i in range(1, count) if stats[i, 2] <= small and stats[i, 3] <= small and stats[i, 4] >= 2]
    if len(dots) < 5:
        return clean
    band = max(2, int(dpi * 0.008))
    rows: list[list[int]] = []
    for i in sorted(dots, key=lambda i: centroids[i, 1]):
        if rows and centroids[i, 1] - centroids[rows[-1][-1], 1] <= band:
            rows[-1].append(i)
        else:
            rows.append([i])
    result = clean.copy()
    gap = dpi * 0.1  # dots at most 2.5 mm apart
    above = max(3, int(dpi * 0.035))  # a dot below sits up to ~0.9 mm under its letter
    for members in rows:
        members.sort(key=lambda i: centroids[i, 0])
        runs: list[list[int]] = []
        for i in members:
            if runs and centroids[i, 0] - centroids[runs[-1][-1], 0] <= gap:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            if len(run) < 5:
                continue
            steps = np.diff([centroids[j, 0] for j in run])
            regular = np.abs(steps - np.median(steps)) <= 0.25 * np.median(steps)
            if regular.mean() < 0.7:
                continue
            phases = _lattice_phases([float(centroids[j, 0]) for j in run], float(np.median(steps)))
            typical = (np.median(stats[run, 2]), np.median(stats[run, 3]))
            for k, j in enumerate(run):
                x, y, w, h = stats[j, :4]
                if keep_under_ink and clean[max(0, y - above):y, x:x + w].any():
                    # Under a letter a leader's dot and a dot below (ạ, ị) look alike. A dot off the leader's
                    # pitch, or clearly taller or bigger than the leader's own dots (a dot below touching
                    # one), is the letter's; one like them on the pitch may be either: kept, and reported,
                    # so that the value is read both ways (see ocr.form).
                    like_leader = h <= typical[1] + 1.5 and w * h <= 1.8 * typical[0] * typical[1]
                    if doubts is not None and abs(phases[k]) <= 0.15 and like_leader:
                        doubts.append((int(x), int(y), int(w), int(h)))
                    continue
                if (k > 0 and regular[k - 1]) or (k < len(run) - 1 and regular[k]):
                    result[y:y + h, x:x + w] = 0
    return result


def _lattice_phases(xs: list[float], step: float) -> list[float]:
    """How far each dot of a leader stands off the leader's pitch, in steps (0 = on it). The pitch and origin
    are fitted over all its dots: a printed pitch is seldom a whole number of pixels, and anchoring it on the
    first dot let the error grow along a long leader until dots on it read as off it."""
    if step <= 0:
        return [0.0] * len(xs)
    slots = [0]
    for before, after in zip(xs, xs[1:]):
        slots.append(slots[-1] + max(1, round((after - before) / step)))
    at, where = np.array(slots, float), np.array(xs, float)
    pitch, origin = step, float(np.median(where - step * at))
    for _ in range(2):  # fitted again without the dots well off it (a dot below merged with a leader's dot)
        near = np.abs(where - origin - pitch * at) <= 0.2 * pitch
        if near.sum() >= 3 and np.ptp(at[near]) > 0:
            fitted, offset = np.polyfit(at[near], where[near], 1)
            if 0.8 * step <= fitted <= 1.25 * step:
                pitch, origin = float(fitted), float(offset)
    return [float((x - origin - pitch * slot) / pitch) for x, slot in zip(xs, slots)]


def ink_fraction(binary: np.ndarray, box: BBox) -> float:
    x, y, w, h = box
    crop = binary[max(0, y):y + h, max(0, x):x + w]
    return float((crop > 0).mean()) if crop.size else 0.0


def inset(x0: float, y0: float, x1: float, y1: float, pad: int) -> BBox:
    return (int(x0) + pad, int(y0) + pad, max(1, int(x1 - x0) - 2 * pad), max(1, int(y1 - y0) - 2 * pad))


def union(boxes: list[BBox]) -> BBox:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


def cluster(positions: list[float], tolerance: float) -> list[float]:
    """Positions closer than ``tolerance`` to their neighbour merged into their mean."""
    groups: list[list[float]] = []
    for value in sorted(positions):
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [float(np.mean(group)) for group in groups]


def cell_scale(dpi: int) -> float:
    return max(1.0, MIN_CELL_DPI / dpi)


def cell_crops(clean: np.ndarray, boxes: list[BBox], dpi: int, gray: np.ndarray | None = None) -> list[np.ndarray]:
    """Cells cut out of the line-free page as black-on-white images with a white margin (for psm 6),
    enlarged to at least MIN_CELL_DPI. With the page's ``gray``, the ink keeps its shades: at and right
    around every inked pixel of ``clean`` the grayscale, white elsewhere, so what the line-free page erased
    (rules, box walls, leaders, labels) stays erased. Otsu's cut breaks a hand's thin slanted strokes (the
    foot of an italic L, read as a t) that the shades still hold."""
    margin = max(8, int(dpi * 0.05))
    scale = cell_scale(dpi)
    crops = []
    for x, y, w, h in boxes:
        crop = 255 - clean[max(0, y):y + h, max(0, x):x + w]
        if gray is not None and crop.size:
            near_ink = cv2.dilate(255 - crop, np.ones((3, 3), np.uint8)) > 0
            crop = np.where(near_ink, gray[max(0, y):y + h, max(0, x):x + w], 255).astype(np.uint8)
        crop = cv2.copyMakeBorder(crop, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops.append(crop)
    return crops


def squeeze_gaps(crop: np.ndarray, dpi: int) -> np.ndarray:
    """A black-on-white crop with every run of blank columns longer than ~1 mm cut to that width: digits
    written one per box become one number."""
    blank = (crop < 128).sum(axis=0) == 0
    keep = np.ones(crop.shape[1], bool)
    most = max(4, int(dpi * 0.04))
    run = 0
    for index, empty in enumerate(blank):
        run = run + 1 if empty else 0
        if run > most:
            keep[index] = False
    return np.ascontiguousarray(crop[:, keep])


def without_enclosed_ink(crop: np.ndarray) -> np.ndarray:
    """A black-on-white crop with the ink that lies inside a letter's or digit's loop erased: the dot of a
    dotted zero (monospaced and typewriter faces) or a speck in an o, a 6, 8 or 9. No letter or digit
    stands inside another, tone marks stand above and below their letters, and the engine reads a dotted
    zero as 6, 8 or 9."""
    ink = cv2.copyMakeBorder((crop < 128).astype(np.uint8), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    reached = (1 - ink).copy()
    cv2.floodFill(reached, None, (0, 0), 2)
    holes = reached == 1  # background that the background around the digits cannot reach
    if not holes.any():
        return crop
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    result = crop.copy()
    for index in range(1, count):
        x, y, w, h = stats[index, :4]
        x0, y0 = max(0, x - 1), max(0, y - 1)
        piece = (labels[y0:y + h + 1, x0:x + w + 1] == index).astype(np.uint8)
        around = cv2.dilate(piece, np.ones((3, 3), np.uint8)).astype(bool) & (ink[y0:y + h + 1, x0:x + w + 1] == 0)
        if around.any() and holes[y0:y + h + 1, x0:x + w + 1][around].all():
            result[y - 1:y - 1 + h, x - 1:x - 1 + w][piece[y - y0:y - y0 + h, x - x0:x - x0 + w].astype(bool)] = 255
    return result


#: Shears tried when straightening slanted writing, as x shift per row (tan of the slant angle).
SLANTS = tuple(round(0.05 * step, 2) for step in range(-2, 10))
#: Pieces of ink (digits) a crop needs for its slant to be measured.
MIN_SLANT_PIECES = 4


def deslanted(crop: np.ndarray) -> np.ndarray:
    """A black-on-white crop with its writing's slant undone: italic and handwritten digits (an 8 read as 6,
    a 1 as 7) stand upright. The slant is the shear under which the ink's columns are sharpest (the sum
    of squared column counts is largest); upright writing is left as it is, and so is a crop of fewer than
    MIN_SLANT_PIECES pieces of ink (the diagonal of a lone 7 would pass for a slant)."""
    ink = (crop < 128).astype(np.float32)
    height, width = ink.shape
    if cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)[0] - 1 < MIN_SLANT_PIECES:
        return crop

    def sheared(image: np.ndarray, slant: float, fill: float) -> np.ndarray:
        matrix = np.float32([[1, slant, -slant * height / 2], [0, 1, 0]])
        return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)

    best = max(SLANTS, key=lambda slant: float((sheared(ink, slant, 0.0).sum(axis=0) ** 2).sum()))
    return crop if abs(best) < 0.05 else sheared(crop, best, 255)


def spaces_between_rules(rules: Rules, zone: BBox, dpi: int) -> list[BBox]:
    """The ruled cells of a zone: connected areas of the zone that no rule crosses, as boxes. A title
    spanning several columns is one such area (no column rule runs through it)."""
    x, y, w, h = zone
    walls = cv2.bitwise_or(rules.horizontal, rules.vertical)[y:y + h, x:x + w]
    space = (walls == 0).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(space, connectivity=4)
    least = dpi * 0.04  # 3.4 mm: slivers along a rule's edge are no cells
    return [(int(stats[i, 0]) + x, int(stats[i, 1]) + y, int(stats[i, 2]), int(stats[i, 3]))
            for i in range(1, count) if stats[i, 2] >= least and stats[i, 3] >= least]


def tick_boxes(clean: np.ndarray, region: BBox, dpi: int) -> list[tuple[BBox, bool]]:
    """Small squares (3-8 mm) in a region and whether each is ticked: a tick (✓), a cross (x) or a filled
    box all leave ink inside the square's border."""
    x, y, w, h = region
    crop = clean[y:y + h, x:x + w]
    contours, _ = cv2.findContours(crop, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lo, hi = dpi * 0.12, dpi * 0.32
    found = []
    for contour in contours:
        bx, by, bw, bh = cv2.boundingRect(contour)
        if lo <= bw <= hi and lo <= bh <= hi * 1.5 and bw >= 0.6 * bh:
            inner = (x + bx + bw // 5, y + by + bh // 5, bw * 3 // 5, bh * 3 // 5)
            found.append(((x + bx, y + by, bw, bh), ink_fraction(clean, inner) > 0.06))
    return found
