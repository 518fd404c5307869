"""The arbiter's part: disputed items (two readings that disagree), settling one, and the batch's
correction proposals as a download."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse, Response

from review.pages import render
from review.auth import Arbitrate, Caller, context
from review.decisions import DecisionIn
from review.exports import as_csv, as_jsonl, batch_corrections
from review.routes_items import ItemId, prepared_decision
from storage.review_work import DISPUTED

router = APIRouter()


@router.get("/arbiter")
def disputed(request: Request, caller: Caller = Arbitrate) -> Response:
    ctx = context(request)
    items = ctx.work.queue(caller.authorities, states=(DISPUTED,))
    return render(request, "arbiter.html", {"items": items, "batches": ctx.work.counts(caller.authorities)})


@router.post("/api/items/{item_id}/settle")
def settle(request: Request, decision: DecisionIn, item_id: int = ItemId, caller: Caller = Arbitrate) -> Response:
    ctx = context(request)
    resolution, finish = prepared_decision(request, caller, item_id, decision)
    outcome = ctx.work.settle(item_id, caller.user.name, resolution, finish)
    following = ctx.work.queue(caller.authorities, states=(DISPUTED,), limit=1)
    return JSONResponse({"state": outcome.state, "record_key": (outcome.item.resolution or {}).get("record_key"),
                         "next": following[0].id if following else None})


@router.get("/batches/{batch_id}/corrections.{fmt}")
def corrections(request: Request, batch_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
                fmt: str = Path(pattern=r"^(csv|jsonl)$"), caller: Caller = Arbitrate) -> Response:
    ctx = context(request)
    batch = ctx.state.get_batch(batch_id)
    if batch is None or batch.book.authority not in caller.authorities:
        raise HTTPException(404, "no such batch in your books")
    proposals = batch_corrections(ctx.state, ctx.registry, batch_id)
    body, media = (as_csv(proposals), "text/csv") if fmt == "csv" else (as_jsonl(proposals), "application/x-ndjson")
    return Response(body, media_type=f"{media}; charset=utf-8", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="corrections-{batch_id[:8]}.{fmt}"'})
