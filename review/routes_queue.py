"""The queue: flagged entries of the caller's books by batch and reason, oldest first, with counts; and
"next", which claims the oldest item the caller may read."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from review.pages import render
from review.auth import Caller, Review, context
from validation.schema import FlagCode

router = APIRouter()
REASON_CODES = [code.value for code in FlagCode]
BatchId = Query(default=None, max_length=36, pattern=r"^[0-9a-f-]{36}$")
Reason = Query(default=None, max_length=40)


@router.get("/queue")
def queue_page(request: Request, batch: str | None = BatchId, reason: str | None = Reason,
               caller: Caller = Review) -> Response:
    ctx = context(request)
    reason = reason if reason in REASON_CODES else None
    items = ctx.work.queue(caller.authorities, batch_id=batch, reason=reason, limit=100)
    batches = ctx.work.counts(caller.authorities)
    return render(request, "queue.html", {"items": items, "batches": batches, "batch": batch, "reason": reason,
                                          "reasons": REASON_CODES})


def _next_item(request: Request, caller: Caller, batch: str | None, reason: str | None, after: int | None):
    ctx = context(request)
    return ctx.work.next_item(caller.authorities, caller.user.name, ctx.claim_hold, batch_id=batch,
                              reason=reason if reason in REASON_CODES else None, after=after)


@router.get("/queue/next")
def next_page(request: Request, batch: str | None = BatchId, reason: str | None = Reason,
              caller: Caller = Review) -> Response:
    item_id = _next_item(request, caller, batch, reason, None)
    if item_id is None:
        return RedirectResponse("/queue?done=1", status_code=303)
    suffix = f"?batch={batch}" if batch else ""
    return RedirectResponse(f"/items/{item_id}{suffix}", status_code=303)


@router.post("/api/queue/next")
def next_api(request: Request, batch: str | None = BatchId, reason: str | None = Reason,
             after: int | None = Query(default=None, ge=0), caller: Caller = Review) -> Response:
    """Claim the next item (after ``after``, wrapping to the oldest); its id, or null when none is left."""
    item_id = _next_item(request, caller, batch, reason, after)
    if item_id is None and after is not None:
        item_id = _next_item(request, caller, batch, reason, None)
    return JSONResponse({"item": item_id})
