"""The Dask worker plugin that makes a worker's OCR engine when the worker joins (imported only when the
flow reads pages on a Dask cluster: a local run never loads distributed)."""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from flows.pagework import EngineSpec, init_worker


class EngineWarmup(WorkerPlugin):
    """The model loaded once per Dask worker process, before its first page (as the local pool's initializer)."""

    name = "sohoa-engine-warmup"

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec

    def setup(self, worker: Any) -> None:
        init_worker(self.spec)
