"""Where page work runs: a local process pool, or a Dask cluster through prefect-dask.

Both take a ``PageJob`` and give back a future of its ``PageOutcome``; the flow keeps a bounded window of
them in flight and never cares which one it has.

- ``LocalPages``: ``ocr_workers`` processes (spawned: the flow process has threads, and a fork would copy
  their locks), each making its OCR engine once in the pool's initializer; a pool broken by a worker's
  death is replaced, and the flow resubmits the pages it had.
- ``DaskPages``: the page task submitted through prefect-dask's ``DaskTaskRunner`` to the scheduler at
  ``dask_address``; each Dask worker makes its engine once (a worker plugin), and a worker that dies
  mid-page has its pages rescheduled by Dask on the others.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from flows.pagework import EngineSpec, PageJob, PageOutcome, init_worker, process_page


class PageExecutor(Protocol):
    #: How many pages it reads at once (processes or Dask worker threads).
    slots: int

    def submit(self, job: PageJob) -> Any: ...

    def result(self, handle: Any) -> PageOutcome: ...

    def __enter__(self) -> "PageExecutor": ...

    def __exit__(self, *exc: object) -> None: ...


class LocalPages:
    def __init__(self, workers: int, spec: EngineSpec) -> None:
        self.slots = max(1, workers)
        self.spec = spec
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalPages":
        self._start()
        return self

    def _start(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=self.slots, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=init_worker, initargs=(self.spec,))

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, job: PageJob) -> Future:
        assert self._pool is not None, "submit inside the with block"
        try:
            return self._pool.submit(process_page, job, self.spec)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the pool is unusable and its pages in flight failed. A
            # new pool takes this page; the flow resubmits the failed ones once each.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._start()
            return self._pool.submit(process_page, job, self.spec)

    def result(self, handle: Future) -> PageOutcome:
        return handle.result()


class DaskPages:
    def __init__(self, address: str, spec: EngineSpec, task: Any) -> None:
        from prefect_dask import DaskTaskRunner

        self.address = address
        self.spec = spec
        self.task = task
        self.runner = DaskTaskRunner(address=address)
        self.slots = 1

    def __enter__(self) -> "DaskPages":
        from flows.dask_plugin import EngineWarmup

        self.runner.__enter__()
        client = self.runner.client
        client.register_plugin(EngineWarmup(self.spec))
        self.slots = max(1, sum(client.nthreads().values()))
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.__exit__(*exc)

    def submit(self, job: PageJob) -> Any:
        return self.runner.submit(self.task, {"job": job, "spec": self.spec})

    def result(self, handle: Any) -> PageOutcome:
        return handle.result()
