"""The admin's part: accounts and the batch overview of their authorities, with double reading per batch and
each reviewer's agreement rate. Figures only, never an entry."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from review.pages import render
from review.auth import Admin, Caller, context
from review.decisions import agree

router = APIRouter()


@router.get("/admin")
def overview(request: Request, caller: Caller = Admin) -> Response:
    ctx = context(request)
    mine = set(caller.authorities)
    users = [u for u in ctx.users.list() if mine & set(u.authorities)]
    figures = ctx.work.agreement(caller.authorities, agree)
    return render(request, "admin.html", {"users": users, "batches": ctx.work.counts(caller.authorities),
                                          "agreement": figures})


@router.post("/admin/batches/{batch_id}/double-reading")
def double_reading(request: Request, batch_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
                   on: str = Form(default="off", pattern=r"^(on|off)$"), caller: Caller = Admin) -> Response:
    ctx = context(request)
    batch = ctx.state.get_batch(batch_id)
    if batch is None or batch.book.authority not in caller.authorities:
        raise HTTPException(404, "no such batch in your books")
    ctx.work.set_double_reading(batch_id, on == "on")
    return RedirectResponse("/admin", status_code=303)
