"""Make a rendered page look scanned, and write the scans as a PDF of JPEG pages or as image files.

Degradation per page: paper tint, translucent stains, uneven lighting, skew, blur, sensor noise and JPEG
artefacts; `clean` pages get none of these. An upside-down page is a page fed into the scanner rotated 180°.

Book qualities: clean, light and degraded (one profile for every page), mixed (each page clean, light or
degraded) and heavy: on top of the degraded profile, dark scanner borders, show-through (the other side of the
sheet, mirrored and faint), faded ink, ±5° skew and JPEG quality down to 30.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import Image

Degradation = Literal["clean", "light", "degraded", "mixed", "heavy"]
QUALITIES = ("clean", "light", "degraded", "mixed", "heavy")
ImageFormat = Literal["pdf", "png", "jpeg", "tiff"]


@dataclass(frozen=True)
class ScanProfile:
    """How hard one book is degraded; ranges are sampled per page."""

    max_skew_deg: float
    blur_sigma: tuple[float, float]
    noise_sigma: tuple[float, float]
    lighting: tuple[float, float]  # darkening at the dim side of the page
    stains: tuple[int, int]
    tint: bool


PROFILES: dict[str, ScanProfile] = {
    "light": ScanProfile(1.5, (0.3, 0.7), (2.0, 5.0), (0.03, 0.10), (0, 2), True),
    "degraded": ScanProfile(5.0, (0.7, 1.4), (6.0, 12.0), (0.10, 0.25), (1, 4), True),
    "heavy": ScanProfile(5.0, (0.8, 1.5), (7.0, 13.0), (0.12, 0.28), (1, 5), True),
}
MIXED_PAGES = (("clean", 0.3), ("light", 0.5), ("degraded", 0.2))


def page_qualities(quality: Degradation, pages: int, rng) -> list[str]:
    """Each page's degradation: the book's own, or for a mixed book a per-page draw."""
    if quality != "mixed":
        return [quality] * pages
    names, weights = zip(*MIXED_PAGES)
    return [rng.choices(names, weights=weights)[0] for _ in range(pages)]


def jpeg_quality(degradation: Degradation, rng: np.random.Generator) -> int:
    """The book's JPEG quality: high for clean scans, 70-88 for light (and mixed), 35-60 for degraded, 30-45
    for heavy."""
    low, high = {"clean": (92, 92), "light": (70, 88), "degraded": (35, 60), "mixed": (70, 88),
                 "heavy": (30, 45)}[degradation]
    return int(rng.integers(low, high + 1))


def degrade(page: Image.Image, degradation: Degradation, rng: np.random.Generator, *,
            upside_down: bool = False, grayscale: bool = False, back: Image.Image | None = None) -> Image.Image:
    """The page as it comes off a scanner (before JPEG compression); `back` is the other side of the sheet,
    which shows through on heavy pages."""
    if degradation == "clean":
        image = page.rotate(180) if upside_down else page
        return image.convert("L") if grayscale else image
    profile = PROFILES[degradation]
    pixels = np.asarray(page, dtype=np.float32) / 255.0
    height, width = pixels.shape[:2]

    paper = np.array([rng.uniform(0.95, 1.0), rng.uniform(0.92, 0.98), rng.uniform(0.82, 0.93)], np.float32)
    if degradation == "heavy":
        pixels = _faded(pixels, rng)
        if back is not None and back.size == page.size:
            pixels = _show_through(pixels, back, rng)
    pixels = pixels * paper if profile.tint else pixels
    pixels *= _stains(height, width, profile, rng)[..., None]
    pixels *= _lighting(height, width, profile, rng)[..., None]
    pixels = np.clip(pixels * 255.0, 0, 255).astype(np.uint8)

    angle = rng.uniform(-profile.max_skew_deg, profile.max_skew_deg)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[:, 2] += rng.uniform(-0.004, 0.004, size=2) * (width, height)  # the page is not centred exactly
    border = tuple(float(v) for v in paper * 255)
    if degradation == "heavy":
        border = (18.0, 18.0, 18.0)  # the scanner lid: what the skewed page no longer covers comes out black
        matrix[:, :2] *= rng.uniform(0.95, 0.985)  # the sheet is a little smaller than the scanner bed
    pixels = cv2.warpAffine(pixels, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=border)
    if degradation == "heavy":
        pixels = _dark_edges(pixels, rng)

    sigma = rng.uniform(*profile.blur_sigma)
    pixels = cv2.GaussianBlur(pixels, (0, 0), sigma)
    noise = rng.normal(0.0, rng.uniform(*profile.noise_sigma), size=(height, width, 1)).astype(np.float32)
    pixels = np.clip(pixels.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if upside_down:
        pixels = np.ascontiguousarray(pixels[::-1, ::-1])
    image = Image.fromarray(pixels, "RGB")
    return image.convert("L") if grayscale else image


def _faded(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Faded ink: strokes lighter by 35-65%, unevenly over the page (an old ribbon, sunlight)."""
    height, width = pixels.shape[:2]
    patches = cv2.resize(rng.uniform(0.35, 0.65, size=(6, 6)).astype(np.float32), (width, height),
                         interpolation=cv2.INTER_CUBIC)
    return 1.0 - (1.0 - pixels) * (1.0 - np.clip(patches, 0.2, 0.8))[..., None]


def _show_through(pixels: np.ndarray, back: Image.Image, rng: np.random.Generator) -> np.ndarray:
    """The other side of the sheet seen through the paper: mirrored, blurred and faint."""
    other = np.asarray(back.convert("RGB"), dtype=np.float32)[:, ::-1] / 255.0
    other = cv2.GaussianBlur(other, (0, 0), 1.5)
    strength = rng.uniform(0.10, 0.22)
    return pixels * (1.0 - strength * (1.0 - other))


def _dark_edges(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dark bands along some edges, where the book's spine or the scanner lid shadows the page."""
    height, width = pixels.shape[:2]
    out = pixels.astype(np.float32)
    for side in range(4):
        if rng.random() < 0.6:
            depth = max(1, int(rng.uniform(0.01, 0.04) * (width if side in (0, 1) else height)))
            ramp = np.linspace(0.1, 1.0, depth, dtype=np.float32)
            if side == 0:
                out[:, :depth] *= ramp[None, :, None]
            elif side == 1:
                out[:, width - depth:] *= ramp[::-1][None, :, None]
            elif side == 2:
                out[:depth] *= ramp[:, None, None]
            else:
                out[height - depth:] *= ramp[::-1][:, None, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def _stains(height: int, width: int, profile: ScanProfile, rng: np.random.Generator) -> np.ndarray:
    """A multiplier < 1 where translucent stains (water, tea, foxing) darken the paper."""
    small_h, small_w = max(1, height // 8), max(1, width // 8)
    mask = np.zeros((small_h, small_w), np.float32)
    for _ in range(int(rng.integers(profile.stains[0], profile.stains[1] + 1))):
        centre = (int(rng.integers(0, small_w)), int(rng.integers(0, small_h)))
        axes = (int(rng.integers(small_w // 30, small_w // 8)), int(rng.integers(small_h // 30, small_h // 8)))
        cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, float(rng.uniform(0.08, 0.22)), -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, small_w / 100))
    return 1.0 - cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR)


def _lighting(height: int, width: int, profile: ScanProfile, rng: np.random.Generator) -> np.ndarray:
    """A multiplier for uneven lighting: a linear gradient across the page plus a soft vignette."""
    ys, xs = np.mgrid[0:64, 0:64].astype(np.float32) / 63.0
    theta = rng.uniform(0, 2 * np.pi)
    ramp = (xs - 0.5) * np.cos(theta) + (ys - 0.5) * np.sin(theta) + 0.5
    dim = rng.uniform(*profile.lighting)
    vignette = ((xs - 0.5) ** 2 + (ys - 0.5) ** 2) * 2 * rng.uniform(0.0, dim / 2)
    light = 1.0 - dim * np.clip(ramp, 0, 1) - vignette
    return cv2.resize(light, (width, height), interpolation=cv2.INTER_CUBIC)


def bake_jpeg(image: Image.Image, quality: int) -> Image.Image:
    """The image after one round of JPEG compression (for PNG/TIFF output of a JPEG-scanned page)."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).copy()


def write_scans(pages: list[Image.Image], scans_dir: Path, *, image_format: ImageFormat, dpi: int, quality: int,
                degradation: Degradation, year: int) -> list[Path]:
    """Write the pages: scans/book.pdf (JPEG pages embedded at `dpi`) or scans/page-001.png etc."""
    scans_dir.mkdir(parents=True, exist_ok=True)
    if image_format == "pdf":
        path = scans_dir / "book.pdf"
        fixed = time.struct_time((year, 12, 31, 0, 0, 0, 0, 365, 0))  # reproducible metadata dates
        pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=quality,
                      title="book", creationDate=fixed, modDate=fixed)
        return [path]
    paths = []
    for number, page in enumerate(pages, start=1):
        suffix = {"png": "png", "jpeg": "jpg", "tiff": "tif"}[image_format]
        path = scans_dir / f"page-{number:03d}.{suffix}"
        if image_format == "jpeg":
            page.save(path, "JPEG", quality=quality, dpi=(dpi, dpi))
        else:
            baked = page if degradation == "clean" else bake_jpeg(page, quality)
            options = {"compression": "tiff_lzw"} if image_format == "tiff" else {"optimize": False}
            baked.save(path, "TIFF" if image_format == "tiff" else "PNG", dpi=(dpi, dpi), **options)
        paths.append(path)
    return paths
