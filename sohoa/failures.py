"""Errors a user can cause, as one line and an exit code of sohoa.errors.ExitCode (``sohoa.cli.main``).

ocr/, storage/ and the evaluation keep their own exceptions; this is where each gets its code, with the few
foreign ones a user can cause (an invalid setting, a database that does not answer, a file that cannot be
opened). An exception no table knows is a bug, and keeps its traceback.
"""

from __future__ import annotations

from sohoa.errors import ExitCode, SohoaError


def exit_status(error: BaseException) -> tuple[ExitCode, str] | None:
    """The exit code and the one-line message for an error, or None for an error that is a bug."""
    if isinstance(error, SohoaError):
        return error.exit_code, _one_line(error)
    table = _typed_errors()
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls], _one_line(error)
    return _foreign(error)


def _typed_errors() -> dict[type[BaseException], ExitCode]:
    """ocr/, storage/ and the evaluation keep their own exceptions; this is where each gets its exit code.
    An error takes the code of its nearest class here (RegistrySnapshotError before StorageError)."""
    from ocr import errors as ocr_errors
    from sohoa.evaluation import EvaluationInputError
    from storage import errors as storage_errors

    return {
        ocr_errors.SohoaInputError: ExitCode.input_file,
        ocr_errors.MissingDependencyError: ExitCode.missing_dependency,
        ocr_errors.ExternalProgramError: ExitCode.external_program,
        storage_errors.StorageError: ExitCode.storage_error,
        storage_errors.StorageUnavailableError: ExitCode.service_unavailable,
        storage_errors.SeaweedError: ExitCode.service_unavailable,
        storage_errors.RegistrySnapshotError: ExitCode.registry_snapshot,
        storage_errors.StateError: ExitCode.state_error,
        EvaluationInputError: ExitCode.input_file,
    }


def _foreign(error: BaseException) -> tuple[ExitCode, str] | None:
    """Errors of the libraries underneath that a user can cause: an invalid setting, a database or S3 endpoint
    that does not answer, a file that cannot be opened. Messages never quote values (a setting may be a
    secret; a failed SQL statement's parameters may be personal data)."""
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, OperationalError
    from urllib3.exceptions import MaxRetryError

    from sohoa.settings import Settings
    from storage.db import reason

    if isinstance(error, ValidationError) and error.title == Settings.__name__:
        prefix = Settings.model_config.get("env_prefix", "")
        problems = "; ".join(f"{prefix}{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        return ExitCode.invalid_config, f"invalid setting {problems}"
    if isinstance(error, OperationalError):
        return ExitCode.service_unavailable, f"a database cannot be used: {reason(error)}"
    if isinstance(error, ArgumentError):
        return ExitCode.invalid_config, ("a database URL sohoa cannot use: give sqlite:///path/to/file.sqlite "
                                         "or postgresql+psycopg://user@host/db")
    if isinstance(error, MaxRetryError):
        pool = error.pool
        return ExitCode.service_unavailable, f"object storage at {pool.host}:{pool.port} does not answer"
    if isinstance(error, OSError) and error.filename:
        return ExitCode.file_access, f"{error.filename}: {error.strerror or type(error).__name__}"
    if isinstance(error, RuntimeError) and str(error).startswith(EPHEMERAL_SERVER_TIMEOUT):
        return ExitCode.service_unavailable, _ephemeral_server_timeout()
    return None


#: How Prefect's RuntimeError begins when a one-off run's own server does not answer in time; the rest of
#: its message is the server's output, which is no use to the user.
EPHEMERAL_SERVER_TIMEOUT = "Timed out while attempting to connect to ephemeral Prefect API server"


def _ephemeral_server_timeout() -> str:
    from prefect.settings import get_current_settings

    seconds = get_current_settings().server.ephemeral.startup_timeout_seconds
    return (f"the one-off Prefect server did not start within {seconds} s; the machine may be overloaded: "
            "try again, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start a server with `sohoa up`")


def _one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines) or type(error).__name__
