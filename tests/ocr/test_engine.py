"""The Tesseract engine wrapper: version, words with boxes and confidences, batches, missing models."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engine import OcrEngine, TesseractEngine
from ocr.errors import MissingDependencyError
from ocr.programs import tesseract_version

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _text_image(text: str, width: int = 1400) -> np.ndarray:
    image = Image.new("L", (width, 160), 255)
    ImageDraw.Draw(image).text((30, 50), text, font=ImageFont.truetype(FONT, 42), fill=0)
    return np.asarray(image)


def test_version_names_binary_and_model():
    engine = TesseractEngine()
    assert isinstance(engine, OcrEngine)
    version = engine.version()
    assert version.startswith(f"tesseract {tesseract_version()} vie@")
    model, digits_model = version.rsplit("@", 1)[1].split("+")
    # The digits mode's model and characters: another whitelist reads differently, so it is another engine.
    assert len(model) == 12 and digits_model == f"eng[{engine.digits_whitelist}]"


def test_words_come_with_boxes_and_confidences_in_reading_order():
    words = TesseractEngine().recognize_words(_text_image("Nguyễn Thị Hằng 12/05/2019"), 300, psm=7)
    assert [w.text for w in words] == ["Nguyễn", "Thị", "Hằng", "12/05/2019"]
    assert all(0.5 < w.conf <= 1.0 for w in words)
    lefts = [w.bbox[0] for w in words]
    assert lefts == sorted(lefts) and lefts[0] >= 25


def test_batch_gives_one_result_per_image_in_order():
    images = [_text_image("Kinh"), np.full((120, 400), 255, np.uint8), _text_image("Việt Nam")]
    results = TesseractEngine().recognize_many(images, 300, psm=6)
    assert [" ".join(w.text for w in words) for words in results] == ["Kinh", "", "Việt Nam"]


def test_missing_language_model_is_a_dependency_error(tmp_path):
    with pytest.raises(MissingDependencyError):
        TesseractEngine(tessdata_dir=tmp_path).recognize_words(_text_image("Kinh"), 300)
