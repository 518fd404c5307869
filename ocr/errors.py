"""Typed errors of the OCR stage, each with the process exit code the CLI uses for it.

Messages name the file (and page) so an operator can find it, but never contain text read from a page:
page contents are personal data.
"""

from __future__ import annotations

from pathlib import Path


class SohoaInputError(Exception):
    """A scan file (or one page of it) that cannot be digitized as it is. The rest of the batch goes on."""

    exit_code: int = 2
    reason: str = "cannot be read"

    def __init__(self, path: Path | str, detail: str = "", *, page: int | None = None) -> None:
        self.path = Path(path)
        self.page = page
        self.detail = detail
        where = f"{self.path}" + (f" (page {page})" if page is not None else "")
        message = f"{where}: {self.reason}" + (f": {detail}" if detail else "")
        super().__init__(message)


class EmptyFileError(SohoaInputError):
    exit_code = 3
    reason = "the file is empty (0 bytes)"


class NotAnImageError(SohoaInputError):
    exit_code = 4
    reason = "not a PDF or an image (PNG, JPEG, TIFF)"


class CorruptFileError(SohoaInputError):
    exit_code = 5
    reason = "the file is damaged or truncated and cannot be decoded"


class EncryptedPdfError(SohoaInputError):
    exit_code = 6
    reason = "the PDF is encrypted (password protected); save an unprotected copy and queue it again"


class BlankPageError(SohoaInputError):
    exit_code = 7
    reason = "the page is blank (no ink found)"


class LayoutNotFoundError(SohoaInputError):
    exit_code = 8
    reason = "no register table or form block found on the page"


class ImageTooLargeError(SohoaInputError):
    """Refused from the file's header, before anything is decoded: a decompression bomb, or a scan no page
    of a register needs (a 40000×40000 image would take 1.6 GB to decode)."""

    exit_code = 12
    reason = "the image is too large to decode safely"

    @classmethod
    def check(cls, path: Path, width: int, height: int, max_pixels: int, page: int | None = None,
              what: str = "") -> None:
        """Raise unless ``width``×``height`` is within ``max_pixels``; the message gives both figures."""
        if width * height > max_pixels:
            raise cls(path, f"{what}{width}×{height} pixels ({width * height / 1e6:.0f} MP), over the "
                            f"{max_pixels / 1e6:.0f}-megapixel limit", page=page)


class LowResolutionError(SohoaInputError):
    exit_code = 13
    reason = "scanned at too low a resolution to read reliably; scan it again at 300 dpi"

    @classmethod
    def check(cls, path: Path, dpi: float, min_dpi: int, page: int | None = None) -> None:
        if dpi < min_dpi:
            raise cls(path, f"{dpi:.0f} dpi, under the {min_dpi}-dpi minimum", page=page)


class SourceChangedError(SohoaInputError):
    """The file is not the bytes stored as its original any more (or is gone): nothing may be read from it
    under that original's checksum."""

    exit_code = 14
    reason = "the file changed or went away while the batch ran; queue it again"


class MissingDependencyError(RuntimeError):
    """An external program (tesseract, poppler) is missing or too old. Not the input's fault: exit code 10."""

    exit_code = 10


class ExternalProgramError(RuntimeError):
    """An external program failed on input it should handle. Retrying may help; exit code 11."""

    exit_code = 11
