"""A tiny progress channel from tasks to whoever runs the flow in-process (the CLI's progress bar).

Tasks call ``report(event, **counts)``; with no listener set (a worker run) it does nothing.
Events carry counts and page numbers only, never entry contents.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock

Listener = Callable[[str, dict], None]
_listener: Listener | None = None
_lock = Lock()


def set_listener(listener: Listener | None) -> None:
    global _listener
    _listener = listener


def report(event: str, **data: object) -> None:
    with _lock:
        if _listener is not None:
            _listener(event, data)
