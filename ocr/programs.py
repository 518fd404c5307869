"""Thin wrappers around the external programs the OCR stage runs: tesseract and poppler's pdfinfo/pdfimages.

Each wrapper checks the program's version once (like OCRmyPDF's ``_exec`` modules) and raises
``MissingDependencyError`` when it is absent or too old. Subprocesses get ``OMP_THREAD_LIMIT=1`` so that
parallel pages do not oversubscribe the cores (we pass the variable; we never read the environment).
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from pathlib import Path

from ocr.errors import MissingDependencyError

MIN_TESSERACT = (4, 1)
MIN_POPPLER = (0, 86)
CHILD_ENV = {"OMP_THREAD_LIMIT": "1", "PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8"}


def run(args: list[str], *, timeout: float = 300, check: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run one external program with a fixed, minimal environment; a missing program is a MissingDependencyError."""
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout, check=check, env=CHILD_ENV)
    except FileNotFoundError as error:
        raise MissingDependencyError(f"{args[0]} is not installed (Debian: tesseract-ocr / poppler-utils)") from error


def _parse_version(text: str) -> tuple[int, ...]:
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match:
        return (0,)
    return tuple(int(part) for part in match.groups() if part is not None)


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """The installed tesseract's version, e.g. "5.3.0"; raises if missing or older than 4.1 (no LSTM engine)."""
    done = run(["tesseract", "--version"], timeout=30)
    first_line = (done.stdout or done.stderr).decode("utf-8", "replace").splitlines()[0]
    version = _parse_version(first_line)
    if version < MIN_TESSERACT:
        raise MissingDependencyError(f"tesseract >= 4.1 is required, found {first_line!r}")
    return ".".join(str(part) for part in version)


def tesseract_languages(tessdata_dir: Path | None = None) -> set[str]:
    args = ["tesseract", "--list-langs"]
    if tessdata_dir is not None:
        args[1:1] = ["--tessdata-dir", str(tessdata_dir)]
    done = run(args, timeout=30)
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return {line.strip() for line in lines[1:] if line.strip()}


@lru_cache(maxsize=1)
def poppler_version() -> str:
    """The installed poppler-utils version (pdfinfo -v); raises if missing or too old for `pdfimages -list`."""
    done = run(["pdfinfo", "-v"], timeout=30)
    text = (done.stderr or done.stdout).decode("utf-8", "replace")
    version = _parse_version(text)
    if version < MIN_POPPLER:
        raise MissingDependencyError(f"poppler-utils >= 0.86 is required, found {text.splitlines()[:1]}")
    return ".".join(str(part) for part in version)


def pdfinfo(pdf: Path) -> subprocess.CompletedProcess[bytes]:
    """`pdfinfo -f 1 -l 100000 <pdf>`: document facts and every page's size and rotation (not checked)."""
    poppler_version()
    return run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], timeout=120)


def pdfimages_list(pdf: Path) -> subprocess.CompletedProcess[bytes]:
    """`pdfimages -list <pdf>`: one row per embedded image with its page, size and resolution."""
    poppler_version()
    return run(["pdfimages", "-list", str(pdf)], timeout=120)


def pdfimages_extract(pdf: Path, prefix: Path) -> subprocess.CompletedProcess[bytes]:
    """`pdfimages -all -p <pdf> <prefix>`: every image in its native format (JPEG stays JPEG), named by page."""
    poppler_version()
    return run(["pdfimages", "-all", "-p", str(pdf), str(prefix)], timeout=600)
