"""Pages and errors as the app answers them: templates rendered uncached, errors in one sentence.

A leaf of review/: the route modules and the app factory both use it, so neither imports the other for it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def render(request: Request, name: str, values: dict | None = None, status: int = 200) -> Response:
    """A page; every page may show personal data, so none is cached anywhere."""
    caller = getattr(request.state, "caller", None)
    response = templates.TemplateResponse(request, name, {"caller": caller, **(values or {})}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(request: Request, status: int, message: str) -> Response:
    """An error in one sentence, never with a value from the request or the data."""
    if is_api(request):
        return JSONResponse({"error": message}, status_code=status, headers={"Cache-Control": "no-store"})
    return render(request, "error.html", {"status": status, "message": message}, status=status)
