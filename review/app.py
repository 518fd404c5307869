"""The app factory: routes, the access log, error pages that show no personal data, no-store caching.

    create_app(settings)   the FastAPI app over the state database, object storage and registry they name
    serve(settings)        run it with uvicorn (``sohoa review serve``; ``sohoa up`` starts it too)
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from review.auth import Forbidden, NotSignedIn
from review.context import AppContext
from review.crop import Cropper
from review.decisions import BadDecision
from review.pages import HERE, error_response, is_api
from storage.review_work import DecisionRefused
from sohoa.settings import Settings

access_log = logging.getLogger("sohoa.review.access")
log = logging.getLogger("sohoa.review")


def create_app(settings: Settings, context: AppContext | None = None) -> FastAPI:
    from review import routes_admin, routes_arbiter, routes_auth, routes_items, routes_queue

    app = FastAPI(title="sohoa review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.context = context or AppContext.connect(settings)
    app.state.cropper = Cropper(app.state.context.objects, settings.bucket_pages)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (routes_auth, routes_queue, routes_items, routes_arbiter, routes_admin):
        app.include_router(module.router)

    @app.middleware("http")
    async def access_and_caching(request: Request, call_next):
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as error:  # noqa: BLE001 - logged by type only: an exception's text may quote data
            route = request.scope.get("route")
            log.error("unexpected %s on %s %s", type(error).__name__, request.method, getattr(route, "path", "-"))
            response = error_response(request, 500, "something went wrong; the error was logged without its data")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' blob:; "
                                                       "style-src 'self'; script-src 'self'; frame-ancestors 'none'")
        # User, route template and item id only: never the query, a form or a value.
        route = request.scope.get("route")
        caller = getattr(request.state, "caller", None)
        access_log.info("user=%s %s %s item=%s status=%s ms=%.0f", caller.user.name if caller else "-",
                        request.method, getattr(route, "path", "-"),
                        request.path_params.get("item_id", "-"), response.status_code,
                        (time.perf_counter() - started) * 1000)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn):
        if is_api(request):
            return JSONResponse({"error": "sign in first"}, status_code=401, headers={"Cache-Control": "no-store"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden):
        return error_response(request, 403, str(error))

    @app.exception_handler(BadDecision)
    async def bad_decision(request: Request, error: BadDecision):
        return error_response(request, 422, str(error))

    @app.exception_handler(DecisionRefused)
    async def refused(request: Request, error: DecisionRefused):
        return error_response(request, 409, str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        # FastAPI's own message quotes the input, which may be what the book says about a person.
        where = sorted({".".join(str(p) for p in e.get("loc", ())[:2]) for e in error.errors()})
        return error_response(request, 422, f"the request is malformed ({', '.join(where)})")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        message = error.detail if isinstance(error.detail, str) else "refused"
        return error_response(request, error.status_code, message)

    return app


def all_routes(app: FastAPI) -> list:
    """Every route of the app, those of included routers too (FastAPI keeps an included router whole)."""
    found = []
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        found.extend(inner.routes if inner is not None else [route])
    return found


def app_from_environment() -> FastAPI:
    """The app on the settings of the environment: what each worker process of ``serve`` builds."""
    from sohoa.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return create_app(get_settings())


def serve(settings: Settings, host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    """Serve until stopped. Several workers are several processes, each with its own caches; claims and
    decisions are settled in the database, so any worker may answer any request."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    workers = workers or settings.review_workers
    target = "review.app:app_from_environment" if workers > 1 else create_app(settings)
    # uvicorn's own access log prints query strings; ours prints the user, route and item id instead.
    uvicorn.run(target, factory=workers > 1, workers=workers, host=host or settings.review_host,
                port=port or settings.review_port, access_log=False, log_level="warning")
