"""The embedded object store's credentials: random on first start, kept in ``<home>/s3-credentials.json``
(mode 0600), read back on every later start. A leaf module (the settings object calls it; nothing else should).

Production never gets here: a production configuration must name its own credentials (see Settings).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

FILE_NAME = "s3-credentials.json"


class CredentialsFileError(ValueError):
    """The credentials file exists but cannot be used (unreadable, not ours, or open to others)."""


def local_s3_credentials(home: Path) -> tuple[str, str]:
    """(access key, secret key) for the embedded SeaweedFS under ``home``: read back, or made once."""
    path = Path(home) / FILE_NAME
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    access, secret = f"sohoa-{secrets.token_hex(6)}", secrets.token_urlsafe(32)
    try:
        # O_EXCL: two processes starting at once do not each write their own pair; the loser reads the winner's.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"access_key": access, "secret_key": secret}, handle)
    return access, secret


def _read(path: Path) -> tuple[str, str]:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise CredentialsFileError(f"{path} is open to other users (mode {mode:o}); make it 0600")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["access_key"]), str(data["secret_key"])
    except (ValueError, KeyError, TypeError):
        raise CredentialsFileError(f"{path} is not a sohoa credentials file; remove it to make a new one") from None
