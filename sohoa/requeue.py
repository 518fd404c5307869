"""Queueing a batch again after its worker died: the abandoned flow run is marked crashed, and a new flow run
of the same batch resumes it from its ledger.

A flow run whose process was killed with its worker stays 'Running' on the Prefect server (nothing is left to
report its end). The batch's owner in the ledger names that flow run and its process; once the process is
gone (same host) or silent for long (another host), the run is marked Crashed, so operators see what happened.
"""

from __future__ import annotations

import socket

from sohoa.settings import Settings
from storage.errors import StateError


def crash_abandoned_run(settings: Settings, batch_id: str) -> str | None:
    """Mark the batch's last flow run Crashed if its process is gone and the server still calls it running;
    returns that flow run's id. A batch a live process runs is refused."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.states import Crashed

    from flows.batches import OWNER_STALE_AFTER, pid_alive
    from storage.ledger import BatchLedger, owner_is_stale
    from storage.state import StateStore

    state = StateStore(settings.resolved_state_db_url)
    ledger = BatchLedger(state)
    ledger.create_schema()
    if state.get_batch(batch_id) is None:
        raise StateError(f"no batch {batch_id}")
    owner = ledger.owner(batch_id)
    if owner is None or owner.flow_run_id is None:
        return None
    if not owner_is_stale(owner, host=socket.gethostname(), pid_alive=pid_alive, stale_after=OWNER_STALE_AFTER):
        raise StateError(f"batch {batch_id} is being run by process {owner.pid} on {owner.host}")
    with temporary_settings({PREFECT_API_URL: settings.prefect_api_url}):
        with get_client(sync_client=True) as client:
            run = client.read_flow_run(owner.flow_run_id)
            if run.state is None or run.state.is_final():
                return None
            client.set_flow_run_state(run.id, Crashed(message=f"its process ({owner.pid} on {owner.host}) is gone; "
                                                             f"batch {batch_id} was queued again"), force=True)
    return owner.flow_run_id


