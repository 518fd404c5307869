"""Load of the reviewers' web app: concurrent simulated reviewers open, decide and go to the next item on a
seeded queue, each looking at the entry for about --think seconds before deciding (0 floods the app: a
capacity figure, not a reviewer), against the app served by `sohoa review serve` on 127.0.0.1 (real SeaweedFS, SQLite state by
default or --state-db for PostgreSQL). Prints p50/p95 latency per route and checks that no item was decided
twice. Target: p95 < 300 ms with 20 reviewers on a 1,000-item queue.

    .venv/bin/python bench/bench_review.py [--reviewers 20] [--items 1000] [--duration 180]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.review.seeding

from sohoa.settings import Settings, child_environment  # noqa: E402
from storage.seaweed import SeaweedServer, free_port  # noqa: E402

AUTHORITY = "UBND xã Tân Phú, huyện Đức Hòa, tỉnh Long An"
PASSWORD = "bench password 1"
FLAGGED = re.compile(r'data-field="([a-z_]+)"\s+data-flagged="1"')


def seed(settings: Settings, items: int, reviewers: int) -> str:
    from review.context import AppContext
    from tests.review.seeding import seed_book

    ctx = AppContext.connect(settings)
    book = seed_book(ctx.state, ctx.objects, settings, AUTHORITY, items - 1, rows_per_page=25,
                     registry_url=settings.resolved_registry_db_url)
    for n in range(reviewers):
        ctx.users.add(f"reviewer{n:02d}", PASSWORD, "reviewer", [AUTHORITY])
    ctx.close()
    return book.batch_id


def decision_for(html: str) -> dict:
    kind = re.search(r'data-kind="([a-z_]+)"', html).group(1)
    if kind == "registry_only":
        return {"entry": "not_in_book"}
    if kind == "missing_in_registry":
        return {"add_to_registry": True}
    return {"fields": {name: {"action": "accept"} for name in FLAGGED.findall(html)}}


async def reviewer(name: str, base: str, batch: str, deadline: float, timings: dict, outcomes: Counter,
                   think: float, ready: asyncio.Barrier) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as http:
        async def timed(route: str, method: str, url: str, **kw) -> httpx.Response:
            started = time.perf_counter()
            response = await http.request(method, url, **kw)
            timings[route].append((time.perf_counter() - started) * 1000)
            return response

        page = await timed("GET /login", "GET", "/login")
        login_csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signed = await timed("POST /login", "POST", "/login",
                             data={"name": name, "password": PASSWORD, "csrf_token": login_csrf})
        assert signed.status_code == 303, signed.status_code
        await ready.wait()  # logins (argon2, slow on purpose) do not overlap the work measured below
        await asyncio.sleep(random.uniform(0, 2 * think))  # people do not all start in the same millisecond
        queue = await timed("GET /queue", "GET", f"/queue?batch={batch}")
        csrf = re.search(r'data-csrf="([^"]+)"', queue.text).group(1)
        headers = {"X-CSRF-Token": csrf}
        first = await timed("POST /api/queue/next", "POST", f"/api/queue/next?batch={batch}", headers=headers)
        item = first.json()["item"]
        done = 0
        while item is not None and time.monotonic() < deadline:
            done += 1
            if done % 10 == 0:  # now and then a look at the queue and its counts
                await timed("GET /queue", "GET", f"/queue?batch={batch}")
            view = await timed("GET /items/{id}", "GET", f"/items/{item}?fragment=1&batch={batch}")
            if 'data-mode="review"' not in view.text:  # someone else holds it: ask for another
                outcomes["not held"] += 1
                answer = await timed("POST /api/queue/next", "POST", f"/api/queue/next?batch={batch}&after={item}",
                                     headers=headers)
                item = answer.json()["item"]
                continue
            if 'id="crop"' in view.text:
                crop = await timed("GET /items/{id}/crop.png", "GET", f"/items/{item}/crop.png")
                assert crop.status_code == 200
            if think:  # the reviewer looks at the entry before deciding
                await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
            decided = await timed("POST /api/items/{id}/decision", "POST", f"/api/items/{item}/decision?batch={batch}",
                                  json=decision_for(view.text), headers=headers)
            outcomes[decided.status_code] += 1
            if decided.status_code != 200:
                answer = await timed("POST /api/queue/next", "POST", f"/api/queue/next?batch={batch}&after={item}",
                                     headers=headers)
                item = answer.json()["item"]
                continue
            item = decided.json()["next"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=180, help="stop after this many seconds")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a reviewer looks at an entry before deciding (0: as fast as the app answers)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the app")
    parser.add_argument("--state-db", default=None, help="state database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        home = Path(tmp)
        secret = secrets.token_urlsafe(24)  # a throwaway server, but no secret is a constant
        with SeaweedServer.on_free_ports(home / "seaweedfs", "bench", secret) as seaweed:
            settings = Settings(home=home, s3_endpoint=seaweed.endpoint, s3_access_key="bench",
                                s3_secret_key=secret, state_db_url=args.state_db,
                                review_port=free_port(), review_claim_minutes=5)
            started = time.perf_counter()
            batch = seed(settings, args.items, args.reviewers)
            print(f"seeded {args.items} review items and {args.reviewers} reviewers in {time.perf_counter() - started:.1f} s")
            sohoa = str(Path(sys.executable).with_name("sohoa"))
            log = (home / "review.log").open("wb")  # a file, not a pipe: nobody reads a pipe while it fills
            server = subprocess.Popen([sohoa, "review", "serve", "--workers", str(args.workers)],
                                      env=child_environment(settings),
                                      stdout=log, stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{settings.review_port}"
            try:
                for _ in range(300):
                    if server.poll() is not None:
                        raise SystemExit(f"the review app stopped: {(home / 'review.log').read_text()[-2000:]}")
                    try:
                        if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                timings: dict[str, list[float]] = defaultdict(list)
                outcomes: Counter = Counter()
                deadline = time.monotonic() + args.duration
                started = time.perf_counter()

                async def everyone() -> None:
                    ready = asyncio.Barrier(args.reviewers)
                    await asyncio.gather(*(reviewer(f"reviewer{n:02d}", base, batch, deadline, timings, outcomes,
                                                    args.think, ready)
                                           for n in range(args.reviewers)))

                asyncio.run(everyone())
                elapsed = time.perf_counter() - started
            finally:
                server.terminate()
                server.wait(10)
            errors = [line for line in (home / "review.log").read_text(errors="replace").splitlines()
                      if "unexpected" in line or "Traceback" in line]
            report(settings, batch, timings, outcomes, elapsed, args)
            print(f"server errors logged: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
            if os.environ.get("BENCH_KEEP_LOG"):
                Path(os.environ["BENCH_KEEP_LOG"]).write_text((home / "review.log").read_text(errors="replace"))
    return 0


def report(settings: Settings, batch: str, timings: dict, outcomes: Counter, elapsed: float, args) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from storage.state import ReviewDecisionRow, StateStore

    print(f"\n{args.reviewers} reviewers, {args.workers} worker process(es), think time {args.think:.1f} s (mean), {elapsed:.1f} s, "
          f"{outcomes[200] / elapsed:.1f} decisions/s; answers to decisions: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items(), key=str)))
    print(f"{'route':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for route, values in sorted(timings.items()):
        p95 = percentile(values, 0.95)
        if not route.startswith(("GET /login", "POST /login")):
            worst = max(worst, p95)
        print(f"{route:34} {len(values):>6} {statistics.median(values):>8.1f} {p95:>8.1f} {max(values):>8.1f}")
    state = StateStore(settings.resolved_state_db_url)
    items = state.list_review_items(state=None, batch_id=batch)
    by_state = Counter(i.state for i in items)
    with Session(state.engine) as session:
        per_item = session.execute(select(ReviewDecisionRow.review_item_id, func.count())
                                   .group_by(ReviewDecisionRow.review_item_id)).all()
    twice = [item for item, n in per_item if n > 1]
    print(f"items: {dict(by_state)}; decided twice: {len(twice)}")
    print(f"worst p95 of the review routes (login excluded: argon2 is slow on purpose): {worst:.1f} ms "
          f"({'meets' if worst < 300 else 'misses'} the 300 ms target)")


if __name__ == "__main__":
    raise SystemExit(main())
