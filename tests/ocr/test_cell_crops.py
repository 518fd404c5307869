"""Cells are read in the shades of their ink: Otsu's cut breaks a faded hand's thin slanted strokes that the
grayscale still holds, while what the line-free page erased stays erased."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.image import cell_crops, cell_scale
from ocr.preprocess import otsu
from ocr.tesserocr_engine import TesserocrEngine

SLANTED = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"


def _faded_hand(text: str) -> np.ndarray:
    image = Image.new("L", (700, 100), 235)
    ImageDraw.Draw(image).text((20, 35), text, font=ImageFont.truetype(SLANTED, 18), fill=120)
    return np.asarray(image)


def test_the_crop_keeps_the_shades_of_the_ink_and_nothing_the_clean_page_erased():
    gray = _faded_hand("Lò Thị Pâng").copy()
    gray[80:83, :] = 40  # a rule under the words, which the line-free page has erased
    clean = otsu(gray)
    clean[78:86, :] = 0
    box = (5, 5, 690, 90)
    shaded, = cell_crops(clean, [box], 300, gray)
    binary, = cell_crops(clean, [box], 300)
    margin = max(8, int(300 * 0.05))
    inside = shaded[margin:-margin, margin:-margin]
    ink = clean[5:95, 5:695] > 0
    assert np.array_equal(inside[ink], gray[5:95, 5:695][ink]), "the ink in its own shades"
    assert (inside[73:81, :] == 255).all(), "the erased rule stays white"
    assert set(np.unique(binary)) <= {0, 255} and len(np.unique(shaded)) > 10


def test_a_faded_slanted_capital_l_reads_from_its_shades():
    """At 200 dpi the binarized crop loses the L's foot to the cut and reads "tò"; its shades read "Lò"."""
    gray = _faded_hand("Lò Thị Pâng")
    clean = otsu(gray)
    tesserocr_engine = TesserocrEngine()
    dpi = int(200 * cell_scale(200))
    binary = tesserocr_engine.recognize_many(cell_crops(clean, [(5, 5, 690, 90)], 200), dpi, psm=6)[0]
    shaded = tesserocr_engine.recognize_many(cell_crops(clean, [(5, 5, 690, 90)], 200, gray), dpi, psm=6)[0]
    assert [w.text for w in shaded] == ["Lò", "Thị", "Pâng"]
    assert [w.text for w in binary] != ["Lò", "Thị", "Pâng"], "the binarized crop no longer misreads: a weaker test"
