"""The entry view: the crop of the scanned page beside the readings; the decision; the item's history."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from review.pages import render
from review.auth import Arbitrate, Caller, Review, context
from review.decisions import DecisionIn, agree, finisher, resolution_of
from review.view import ItemView, build
from storage.review_work import OPEN, NextItem
from storage.state import ReviewItem

router = APIRouter()
ItemId = Path(ge=1, le=2**31 - 1)
NOT_FOUND = "no such item in your books"


def scoped_item(request: Request, caller: Caller, item_id: int) -> ReviewItem:
    """The item if it is in one of the caller's books; otherwise 404, as if it did not exist."""
    item = context(request).work.item_in_scope(item_id, caller.authorities)
    if item is None:
        raise HTTPException(404, NOT_FOUND)
    return item


def item_view(request: Request, caller: Caller, item_id: int) -> ItemView:
    ctx = context(request)
    item = scoped_item(request, caller, item_id)
    batch = ctx.state.get_batch(item.batch_id)
    view = build(ctx.state, ctx.registry, item, batch, ctx.work.pages_near) if batch is not None else None
    if view is None:
        raise HTTPException(404, NOT_FOUND)
    return view


def image(data: bytes) -> Response:
    return Response(data, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: int = ItemId, fragment: bool = False,
              batch: str | None = Query(default=None, pattern=r"^[0-9a-f-]{36}$"), caller: Caller = Review) -> Response:
    ctx = context(request)
    view = item_view(request, caller, item_id)
    readings = ctx.work.readings(item_id)
    held, already_read = False, any(d.reviewer == caller.user.name for d in readings)
    if view.item.state == OPEN and not already_read:
        held = ctx.work.claim(item_id, caller.user.name, ctx.claim_hold)
    upcoming = ctx.work.next_item(caller.authorities, caller.user.name, ctx.claim_hold, batch_id=batch,
                                  after=item_id, claim=False)
    if upcoming is not None and not ctx.work.has_entry_box(upcoming):
        upcoming = None  # nothing to preload: a registry-only item has no crop
    values = {"view": view, "held": held, "already_read": already_read, "batch_filter": batch,
              # Readings stay hidden while an item is open: a second reader decides independently.
              "readings": readings if caller.can("arbitrate") and view.item.state != OPEN else [],
              "upcoming": upcoming,
              "double": ctx.work.double_reading(view.item.batch_id)}
    return render(request, "item_main.html" if fragment else "item.html", values)


@router.get("/items/{item_id}/crop.png")
def item_crop(request: Request, item_id: int = ItemId, caller: Caller = Review) -> Response:
    view = item_view(request, caller, item_id)
    if view.crop is None or not view.entry.source.object_key:
        raise HTTPException(404, "this item has no entry on a page")
    return image(request.app.state.cropper.crop(view.entry.source.object_key, view.crop))


@router.get("/items/{item_id}/pages/{index}.png")
def item_page_image(request: Request, item_id: int = ItemId, index: int = Path(ge=0, le=1),
                    caller: Caller = Review) -> Response:
    """A registry-only item: the pages where its number would stand (by position in that short list)."""
    ctx = context(request)
    view = item_view(request, caller, item_id)
    if index >= len(view.neighbour_pages):
        raise HTTPException(404, "no such page for this item")
    key = ctx.work.page_image_key(view.item.batch_id, view.neighbour_pages[index])
    if key is None:
        raise HTTPException(404, "no such page for this item")
    return image(request.app.state.cropper.page(key))


@router.post("/api/items/{item_id}/decision")
def decide(request: Request, decision: DecisionIn, item_id: int = ItemId,
           batch: str | None = Query(default=None, pattern=r"^[0-9a-f-]{36}$"), caller: Caller = Review) -> Response:
    ctx = context(request)
    resolution, finish = prepared_decision(request, caller, item_id, decision)
    then = NextItem(caller.authorities, ctx.claim_hold, batch_id=batch)
    outcome = ctx.work.decide(item_id, caller.user.name, resolution, agree, finish, then=then)
    upcoming = outcome.next_item
    if upcoming is None:  # none after this one: wrap round to the oldest
        upcoming = ctx.work.next_item(caller.authorities, caller.user.name, ctx.claim_hold, batch_id=batch)
    return JSONResponse({"state": outcome.state, "record_key": (outcome.item.resolution or {}).get("record_key")
                         if outcome.state == "resolved" else None, "next": upcoming})


def prepared_decision(request: Request, caller: Caller, item_id: int, decision: DecisionIn) -> tuple[dict, Callable]:
    """The resolution a reviewer's or arbiter's decision asks for on an item in the caller's books, and
    how a final one is stored. BadDecision (422) and DecisionRefused (409) become responses in the app."""
    ctx = context(request)
    view = item_view(request, caller, item_id)
    resolution = resolution_of(view, decision)
    return resolution, finisher(ctx.state, ctx.objects, ctx.settings.bucket_records, view.batch.pipeline_version,
                                view.entry)


@router.post("/api/items/{item_id}/release")
def release(request: Request, item_id: int = ItemId, caller: Caller = Review) -> Response:
    scoped_item(request, caller, item_id)
    context(request).work.release(item_id, caller.user.name)
    return JSONResponse({"released": item_id})


@router.get("/items/{item_id}/history")
def history(request: Request, item_id: int = ItemId, caller: Caller = Arbitrate) -> Response:
    item = scoped_item(request, caller, item_id)
    return render(request, "history.html", {"item": item, "decisions": context(request).work.readings(item_id)})
