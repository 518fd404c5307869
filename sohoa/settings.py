"""The one settings object. Every value comes from an environment variable prefixed ``SOHOA_`` (or a .env file).

This module is a leaf: it imports nothing else of ours but the credentials-file helper (itself a leaf), and
no other module reads the environment.

**Production** is ``SOHOA_PROFILE=production`` or any S3 endpoint that is not on this machine (not 127.0.0.1,
::1 or localhost). It must name its S3 credentials (SOHOA_S3_ACCESS_KEY, SOHOA_S3_SECRET_KEY); nothing is
made up for it. The local profile with no credentials set (the embedded SeaweedFS of `make demo`) gets
random ones, made on first start and kept in ``<home>/s3-credentials.json`` (mode 0600).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sohoa.credentials import local_s3_credentials

#: Hosts of an S3 endpoint on this machine: the only place credentials may be generated.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", env_file=".env", extra="ignore")

    #: Where the embedded defaults keep their state (SQLite files, SeaweedFS data, work files, credentials).
    home: Path = Field(default=Path("var"))
    #: "production" refuses to start without S3 credentials of its own (so does any non-local S3 endpoint).
    profile: Literal["local", "production"] = "local"

    # --- object storage (any S3 endpoint) ---
    s3_endpoint: str = "127.0.0.1:8333"
    #: Unset on the local profile: generated once and kept in <home>/s3-credentials.json.
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = Field(default=None, validate_default=True)
    s3_secure: bool = False
    s3_region: str | None = None
    bucket_originals: str = "sohoa-originals"
    bucket_pages: str = "sohoa-pages"
    bucket_ocr: str = "sohoa-ocr"
    bucket_records: str = "sohoa-records"
    #: Records, originals and page images are kept permanently: their buckets are versioned and object-locked,
    #: every new object version in COMPLIANCE mode for this many days (nobody can delete it or shorten it).
    object_lock_days: int = Field(default=36500, gt=0)
    #: Run against an S3 endpoint without object lock (then nothing stops a delete). Off: sohoa refuses.
    allow_unlocked_storage: bool = False

    # --- fixity audit (flows/fixity.py) ---
    #: Share of the stored objects re-read and hashed per audit run (1 = all; missing and unexpected objects
    #: are found from the listings every run whatever the share).
    fixity_sample: float = Field(default=1.0, gt=0, le=1)
    #: When the fixity-audit deployment runs (cron, UTC): Sundays at 02:00 by default.
    fixity_cron: str = "0 2 * * 0"

    # --- local SeaweedFS started by `sohoa up` / `make demo` ---
    seaweed_master_port: int = 9333
    seaweed_volume_port: int = 8080
    seaweed_filer_port: int = 8888
    seaweed_s3_port: int = 8333

    # --- databases ---
    #: The shared civil-status registry, read only. SQLite file by default, PostgreSQL in production.
    registry_db_url: str | None = None
    #: sohoa's own state: batches, entries and the review queue.
    state_db_url: str | None = None

    # --- OCR ---
    #: "tesserocr": libtesseract in process (one model load per worker); "tesseract": the command, one process
    #: per call (fallback and reference).
    ocr_engine: Literal["tesserocr", "tesseract"] = "tesserocr"
    tesseract_lang: str = "vie"
    tessdata_dir: Path | None = None
    #: Processes that read pages at once on this machine (each loads the OCR model once).
    ocr_workers: int = Field(default=2, ge=1)
    #: Pages in flight (extracted, being read, or waiting to be stored); default twice the readers, so no
    #: reader waits while this process stores and routes. The work folder never holds more pages than this.
    page_window: int | None = Field(default=None, ge=1)
    #: A Dask scheduler (tcp://HOST:8786) to read pages on instead of the local processes.
    dask_address: str | None = None
    #: Below this confidence (0..1) a field reading goes to review.
    min_field_confidence: float = 0.80

    # --- the reviewers' web app (review/) ---
    review_host: str = "127.0.0.1"
    review_port: int = 8000
    #: Processes serving the app (each answers any request: claims and decisions live in the database).
    review_workers: int = Field(default=1, gt=0)
    #: A session unused this long is over; the reviewer logs in again.
    review_session_idle_minutes: int = Field(default=30, gt=0)
    #: Opening an item locks it to that reviewer this long, so no two people work it unknowingly.
    review_claim_minutes: int = Field(default=15, gt=0)
    #: This many failed logins in a row lock the account for review_lockout_minutes.
    review_max_failed_logins: int = Field(default=5, gt=0)
    review_lockout_minutes: int = Field(default=15, gt=0)
    #: Send the session cookie over HTTPS only; turn on behind TLS (the default serves 127.0.0.1 over HTTP).
    review_secure_cookies: bool = False

    # --- Prefect ---
    prefect_api_url: str = "http://127.0.0.1:4200/api"
    work_pool: str = "sohoa-process"
    deployment: str = "digitize-batch/digitize-batch"

    @field_validator("s3_secret_key")
    @classmethod
    def _credentials_of_production(cls, secret: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        access = info.data.get("s3_access_key")
        if bool(access) != bool(secret and secret.get_secret_value()):
            raise ValueError("set both SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY, or neither")
        if not access and _is_production(info.data.get("profile"), info.data.get("s3_endpoint", "")):
            raise ValueError("a production configuration (SOHOA_PROFILE=production or a non-local S3 endpoint) "
                             "needs SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY; none is generated for it")
        return secret

    @model_validator(mode="after")
    def _local_credentials(self) -> Settings:
        if self.s3_access_key is None:
            access, secret = local_s3_credentials(self.home)
            self.s3_access_key, self.s3_secret_key = access, SecretStr(secret)
        return self

    @property
    def is_production(self) -> bool:
        return _is_production(self.profile, self.s3_endpoint)

    @property
    def work_dir(self) -> Path:
        return self.home / "work"

    @property
    def resolved_registry_db_url(self) -> str:
        return self.registry_db_url or f"sqlite:///{(self.home / 'registry.sqlite').resolve()}"

    @property
    def resolved_state_db_url(self) -> str:
        return self.state_db_url or f"sqlite:///{(self.home / 'state.sqlite').resolve()}"


    def as_env(self) -> dict[str, str]:
        """These settings as SOHOA_* variables, for a child process (the Prefect worker) to read back."""
        env = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if isinstance(value, Path):
                value = value.resolve()
            env[f"SOHOA_{name.upper()}"] = str(value)
        return env


def _is_production(profile: str | None, s3_endpoint: str) -> bool:
    host = s3_endpoint.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    return profile == "production" or host not in LOCAL_HOSTS


@lru_cache
def get_settings() -> Settings:
    return Settings()


#: Seconds a one-off run waits for its ephemeral Prefect server. Prefect's 20 s run out on a loaded 2-core
#: machine while the server migrates its database.
EPHEMERAL_STARTUP_SECONDS = 90

#: Prefect phones home unless told not to (there is no internet here and no reason to), and gives up on its
#: ephemeral server sooner than a busy machine starts one.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(EPHEMERAL_STARTUP_SECONDS),
}


def apply_prefect_defaults() -> None:
    """Set PREFECT_DEFAULTS in this process and the ones it starts (a variable already set is kept)."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def child_environment(settings: Settings, **overrides: str) -> dict[str, str]:
    """The environment for a child process (Prefect server, worker): this one's, PREFECT_DEFAULTS, the
    overrides, and these settings as SOHOA_* variables for the child to read back."""
    return dict(os.environ) | PREFECT_DEFAULTS | overrides | settings.as_env()
