"""The exit codes of the `sohoa` command, one table for every command, and sohoa's own base exception.

A leaf module: it imports nothing of ours, so every package may depend on it without a cycle. ocr/ and
storage/ keep their own typed exceptions (they import nothing of sohoa's); ``sohoa.cli`` maps each of them,
and the few foreign ones a user can cause (a database that does not answer, an invalid setting), to one of
these codes in one place, its entry point.

    code  name                 when
    0     ok                   done
    2     bad_args             the command line is wrong: unknown option, missing value, a path that does not exist
    3     input_file           an input file cannot be used as it is: a scan, an evaluation file (the message names it)
    4     missing_dependency   an external program (tesseract, poppler, weed) is missing or too old
    5     external_program     an external program failed on input it should handle (retrying may help)
    6     service_unavailable  object storage, a database or the Prefect server does not answer
    7     storage_error        object storage or a database refused a request (conflict, integrity, not found)
    8     registry_snapshot    a registry snapshot line cannot be loaded (the message names file and line)
    9     state_error          the state database does not hold what the request names (batch, review item)
    10    invalid_config       a SOHOA_* setting is invalid (the message names the setting, never its value)
    11    file_access          a file or folder cannot be read or written (permissions, disk full)
    12    fixity_failed        the fixity audit found a stored object missing, altered or unexpected
    13    incomplete_batch     a batch ended with pages not done (a failure that is not the scan's fault):
                               the summary names each file and page; `sohoa resume BATCH` does the rest
    130   interrupted          stopped with Ctrl-C

Code 1 is left to Python: an unexpected exception (a bug) still ends with its traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 2  # the same code click and typer use for usage errors
    input_file = 3
    missing_dependency = 4
    external_program = 5
    service_unavailable = 6
    storage_error = 7
    registry_snapshot = 8
    state_error = 9
    invalid_config = 10
    file_access = 11
    fixity_failed = 12
    incomplete_batch = 13
    interrupted = 130


class SohoaError(Exception):
    """Base of the errors sohoa/ raises itself: one clear line for the user, and the exit code it ends with.
    Messages name files, services and ids, never page text, names or ID numbers."""

    exit_code: ExitCode = ExitCode.bad_args


class ServiceUnavailableError(SohoaError):
    """A service a command needs does not answer: the S3 endpoint, a database, the Prefect server."""

    exit_code = ExitCode.service_unavailable
