"""The reviewers' work on the review queue: claims, double reading, arbitration (tables beside review_items).

    review_claims         who holds an item now, until when (one holder per item: two people never work the
                          same item unknowingly)
    review_batch_options  per batch: whether every item is read by two reviewers independently

An item is ``open`` until decided; with double reading, two readings that agree resolve it, two that
disagree make it ``disputed`` until an arbiter settles it. Every reading and settlement is a row of
review_decisions (append-only, see storage.state). Deciding takes the decider's claim away in the same
transaction, so a double submit or two reviewers racing decide an item once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, String, and_, cast, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.errors import StateError
from storage.state import (BatchRow, EntryRow, ReviewDecision, ReviewDecisionRow, ReviewItem, ReviewItemRow,
                           StateBase, StateStore, _review_item, _utc)
from validation.schema import EntryStatus

OPEN, DISPUTED, RESOLVED = "open", "disputed", "resolved"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ClaimRow(StateBase):
    __tablename__ = "review_claims"

    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class BatchOptionsRow(StateBase):
    __tablename__ = "review_batch_options"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), primary_key=True)
    double_reading: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass(frozen=True)
class QueueItem:
    """One line of the queue: ids and reasons only (no personal data)."""

    id: int
    batch_id: str
    authority: str
    year: int
    volume: str
    entry_key: str
    reasons: list[str]
    state: str
    claimed_by: str | None


class DecisionRefused(Exception):
    """The decider does not hold the item (claim expired or taken), or it is not in a state they may decide."""


@dataclass(frozen=True)
class Outcome:
    item: ReviewItem
    state: str  # what the item is now: open (waits for a second reading), disputed or resolved
    next_item: int | None = None  # claimed in the same transaction, when asked for (NextItem)


@dataclass(frozen=True)
class NextItem:
    """Which next item to claim along with a decision: the caller's books, filters and hold."""

    authorities: tuple[str, ...]
    hold: dt.timedelta
    batch_id: str | None = None
    reason: str | None = None


class ReviewWork:
    def __init__(self, state: StateStore) -> None:
        self.state = state
        self.engine = state.engine

    def create_schema(self) -> None:
        StateBase.metadata.create_all(self.engine, tables=[ClaimRow.__table__, BatchOptionsRow.__table__])

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- batch options -----------------------------------------------------------------------------

    def set_double_reading(self, batch_id: str, on: bool) -> None:
        with self._session() as session, session.begin():
            if session.get(BatchRow, batch_id) is None:
                raise StateError(f"no batch {batch_id}")
            row = session.get(BatchOptionsRow, batch_id)
            if row is None:
                session.add(BatchOptionsRow(batch_id=batch_id, double_reading=on))
            else:
                row.double_reading = on

    def double_reading(self, batch_id: str) -> bool:
        with self._session() as session:
            row = session.get(BatchOptionsRow, batch_id)
            return bool(row and row.double_reading)

    # --- the queue ---------------------------------------------------------------------------------

    def _scoped(self, authorities: Sequence[str]):
        return (select(ReviewItemRow, BatchRow, ClaimRow)
                .join(BatchRow, BatchRow.batch_id == ReviewItemRow.batch_id)
                .outerjoin(ClaimRow, ClaimRow.review_item_id == ReviewItemRow.id)
                .where(BatchRow.authority.in_(list(authorities))))

    def queue(self, authorities: Sequence[str], states: Sequence[str] = (OPEN,), batch_id: str | None = None,
              reason: str | None = None, limit: int = 500) -> list[QueueItem]:
        """Items of these authorities' books, oldest first (filters by batch and by reason code)."""
        query = (select(ReviewItemRow.id, ReviewItemRow.batch_id, BatchRow.authority, BatchRow.year, BatchRow.volume,
                        ReviewItemRow.entry_key, ReviewItemRow.reasons, ReviewItemRow.state, ClaimRow.holder,
                        ClaimRow.expires_at)
                 .join(BatchRow, BatchRow.batch_id == ReviewItemRow.batch_id)
                 .outerjoin(ClaimRow, ClaimRow.review_item_id == ReviewItemRow.id)
                 .where(BatchRow.authority.in_(list(authorities)), ReviewItemRow.state.in_(list(states)))
                 .order_by(ReviewItemRow.id).limit(limit))
        if batch_id:
            query = query.where(ReviewItemRow.batch_id == batch_id)
        if reason:
            # Reason codes are words (checked by the caller); the JSON list as text holds them quoted.
            query = query.where(cast(ReviewItemRow.reasons, String).like(f'%"{reason}"%'))
        now = _now()
        with self._session() as session:
            return [QueueItem(i, b, a, y, v, k, list(r), st, h if h is not None and _utc(e) > now else None)
                    for i, b, a, y, v, k, r, st, h, e in session.execute(query)]

    def counts(self, authorities: Sequence[str]) -> list[dict[str, Any]]:
        """Per batch of these authorities: items by state and open items by reason."""
        with self._session() as session:
            batches = {b.batch_id: b for b in session.scalars(
                select(BatchRow).where(BatchRow.authority.in_(list(authorities))))}
            rows = session.execute(select(ReviewItemRow.batch_id, ReviewItemRow.state, ReviewItemRow.reasons)
                                   .where(ReviewItemRow.batch_id.in_(list(batches)))).all() if batches else []
            doubles = set(session.scalars(select(BatchOptionsRow.batch_id).where(
                BatchOptionsRow.double_reading.is_(True), BatchOptionsRow.batch_id.in_(list(batches))))) if batches else set()
        by_batch: dict[str, dict[str, Any]] = {}
        for batch_id, state, reasons in rows:
            batch = batches[batch_id]
            line = by_batch.setdefault(batch_id, {
                "batch_id": batch_id, "authority": batch.authority, "book_type": batch.book_type,
                "year": batch.year, "volume": batch.volume, "created_at": _utc(batch.created_at),
                "states": {}, "reasons": {}, "double_reading": batch_id in doubles})
            line["states"][state] = line["states"].get(state, 0) + 1
            if state == OPEN:
                for code in set(reasons):
                    line["reasons"][code] = line["reasons"].get(code, 0) + 1
        return sorted(by_batch.values(), key=lambda line: line["created_at"])

    def item_in_scope(self, item_id: int, authorities: Sequence[str]) -> ReviewItem | None:
        """The item if it belongs to a book of these authorities; None otherwise (as if it did not exist)."""
        with self._session() as session:
            found = session.execute(self._scoped(authorities).where(ReviewItemRow.id == item_id)).first()
            return _review_item(found[0]) if found is not None else None

    # --- claims ------------------------------------------------------------------------------------

    def claim(self, item_id: int, user: str, hold: dt.timedelta) -> bool:
        """Hold the item for ``user`` (renewing their own hold). False if someone else holds it."""
        now = _now()
        with self._session() as session:
            current = session.get(ClaimRow, item_id)
            if current is not None and current.holder == user and _utc(current.expires_at) > now + hold / 2:
                return True  # held, and for long enough: no write
            if current is not None and current.holder != user and _utc(current.expires_at) > now:
                return False  # someone else's: no write either
        with self._session() as session, session.begin():
            taken = session.execute(
                update(ClaimRow).where(ClaimRow.review_item_id == item_id,
                                       or_(ClaimRow.holder == user, ClaimRow.expires_at < now))
                .values(holder=user, expires_at=now + hold)).rowcount
            if taken:
                return True
            if session.get(ClaimRow, item_id) is not None:
                return False
        try:
            with self._session() as session, session.begin():
                session.execute(insert(ClaimRow).values(review_item_id=item_id, holder=user, expires_at=now + hold))
            return True
        except IntegrityError:  # someone claimed it between our update and insert
            return False

    def release(self, item_id: int, user: str) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(ClaimRow).where(ClaimRow.review_item_id == item_id, ClaimRow.holder == user))

    def _next_query(self, authorities: Sequence[str], user: str, batch_id: str | None, reason: str | None,
                    after: int | None, now: dt.datetime):
        mine = exists().where(ReviewDecisionRow.review_item_id == ReviewItemRow.id, ReviewDecisionRow.reviewer == user)
        query = (select(ReviewItemRow.id, ClaimRow.holder)
                 .join(BatchRow, BatchRow.batch_id == ReviewItemRow.batch_id)
                 .outerjoin(ClaimRow, ClaimRow.review_item_id == ReviewItemRow.id)
                 .where(BatchRow.authority.in_(list(authorities)), ReviewItemRow.state == OPEN, ~mine,
                        or_(ClaimRow.holder.is_(None), ClaimRow.holder == user, ClaimRow.expires_at < now))
                 .order_by(ReviewItemRow.id).limit(1))
        if batch_id:
            query = query.where(ReviewItemRow.batch_id == batch_id)
        if after is not None:
            query = query.where(ReviewItemRow.id > after)
        if reason:
            # Reason codes are words (checked by the caller); the JSON list as text holds them quoted.
            query = query.where(cast(ReviewItemRow.reasons, String).like(f'%"{reason}"%'))
        return query

    @staticmethod
    def _claim_first(session: Session, query, user: str, hold: dt.timedelta, now: dt.datetime) -> int | None:
        """Within a write transaction: claim the first item ``query`` finds (run-out claims dropped first)."""
        session.execute(delete(ClaimRow).where(ClaimRow.expires_at < now))
        found = session.execute(query).first()
        if found is None:
            return None
        item_id, holder = found
        if holder == user:
            session.execute(update(ClaimRow).where(ClaimRow.review_item_id == item_id).values(expires_at=now + hold))
        else:
            session.execute(insert(ClaimRow).values(review_item_id=item_id, holder=user, expires_at=now + hold))
        return item_id

    def next_item(self, authorities: Sequence[str], user: str, hold: dt.timedelta, batch_id: str | None = None,
                  reason: str | None = None, after: int | None = None, claim: bool = True) -> int | None:
        """Claim and return the oldest open item ``user`` may read (not one they already read, not one held
        by someone else), after item ``after`` if given; None when there is nothing left. ``claim=False``
        only looks (to preload the next item's crop).

        Picking and claiming are one write transaction (that begins by dropping run-out claims, so SQLite
        takes its write lock first): reviewers asking at once are served one after the other, each the
        oldest item left, instead of all racing for the same one."""
        now = _now()
        query = self._next_query(authorities, user, batch_id, reason, after, now)
        if not claim:
            with self._session() as session:
                found = session.execute(query).first()
                return found[0] if found is not None else None
        for _ in range(5):  # PostgreSQL: two transactions may pick the same item; the loser picks again
            try:
                with self._session() as session, session.begin():
                    return self._claim_first(session, query, user, hold, now)
            except IntegrityError:
                continue
        return None

    # --- deciding ----------------------------------------------------------------------------------

    def readings(self, item_id: int) -> list[ReviewDecision]:
        return self.state.review_history(item_id)

    def decide(self, item_id: int, user: str, resolution: dict[str, Any],
               agree: Callable[[dict[str, Any], dict[str, Any]], bool],
               finish: Callable[[ReviewItem, list[dict[str, Any]]], dict[str, Any]],
               then: NextItem | None = None) -> Outcome:
        """Record ``user``'s reading of an item they hold. Single reading: it resolves the item. Double
        reading: the first waits for a second by someone else; the second resolves it if ``agree`` says the
        two agree, else the item is disputed. ``finish(item, decisions)`` stores the record of a resolved
        item and returns its final resolution; if it raises, nothing is recorded.

        ``finish`` runs before the write transaction, not inside it (object storage is slow next to a
        database lock): while ``user`` holds the claim nobody else can decide the item, and the transaction
        then takes the claim away, so the item is decided once. Only a claim that runs out in between
        (minutes, against the milliseconds of a put) leaves a stored record without its decision."""
        now = _now()
        with self._session() as session:
            claim, item = session.get(ClaimRow, item_id), session.get(ReviewItemRow, item_id)
            if (claim is None or claim.holder != user or _utc(claim.expires_at) < now + dt.timedelta(seconds=5)
                    or item is None or item.state != OPEN):
                raise DecisionRefused("you do not hold this item (its claim ran out or it was decided)")
            earlier = list(session.scalars(select(ReviewDecisionRow).where(ReviewDecisionRow.review_item_id == item_id)
                                           .order_by(ReviewDecisionRow.id)))
            if any(d.reviewer == user for d in earlier):
                raise DecisionRefused("you have already read this item")
            double = bool((opts := session.get(BatchOptionsRow, item.batch_id)) and opts.double_reading)
            before = _review_item(item)
        resolution = resolution | {"kind": "reading"}
        readings = [d.resolution | {"reviewer": d.reviewer, "decided_at": _utc(d.decided_at).isoformat()}
                    for d in earlier] + [resolution | {"reviewer": user, "decided_at": now.isoformat()}]
        if double and len(readings) < 2:
            after, final = OPEN, None
        elif double and not agree(readings[-2], readings[-1]):
            after, final = DISPUTED, None
        else:
            after, final = RESOLVED, finish(before, readings)
        with self._session() as session, session.begin():
            # First statement a write: SQLite takes its write lock here, so the checks below see the latest.
            held = session.execute(delete(ClaimRow).where(ClaimRow.review_item_id == item_id,
                                                          ClaimRow.holder == user, ClaimRow.expires_at >= now)).rowcount
            item = session.get(ReviewItemRow, item_id)
            count = session.scalar(select(func.count()).select_from(ReviewDecisionRow)
                                   .where(ReviewDecisionRow.review_item_id == item_id))
            if not held or item is None or item.state != OPEN or count != len(earlier):
                raise DecisionRefused("you do not hold this item (its claim ran out or it was decided)")
            session.add(ReviewDecisionRow(review_item_id=item_id, reviewer=user, resolution=resolution, decided_at=now))
            if after == DISPUTED:
                item.state = DISPUTED
            if after == RESOLVED:
                outcome = self._resolve(session, item, user, readings, lambda *_: final, now)
            else:
                session.flush()
                outcome = Outcome(_review_item(item), after)
            if then is not None:
                query = self._next_query(then.authorities, user, then.batch_id, then.reason, item_id, now)
                try:
                    with session.begin_nested():  # a lost race for the next item must not undo the decision
                        outcome = dataclasses.replace(outcome, next_item=self._claim_first(session, query, user,
                                                                                          then.hold, now))
                except IntegrityError:
                    pass
            return outcome

    def settle(self, item_id: int, arbiter: str, resolution: dict[str, Any],
               finish: Callable[[ReviewItem, list[dict[str, Any]]], dict[str, Any]]) -> Outcome:
        """An arbiter's decision on a disputed item: it resolves it (the two readings stay beside it)."""
        now = _now()
        with self._session() as session, session.begin():
            moved = session.execute(update(ReviewItemRow).where(ReviewItemRow.id == item_id,
                                                                ReviewItemRow.state == DISPUTED)
                                    .values(state=RESOLVED)).rowcount
            item = session.get(ReviewItemRow, item_id)
            if not moved or item is None:
                raise DecisionRefused("this item is not waiting for an arbiter")
            earlier = list(session.scalars(select(ReviewDecisionRow).where(ReviewDecisionRow.review_item_id == item_id)
                                           .order_by(ReviewDecisionRow.id)))
            resolution = resolution | {"kind": "arbitration"}
            session.add(ReviewDecisionRow(review_item_id=item_id, reviewer=arbiter, resolution=resolution,
                                          decided_at=now))
            chain = [d.resolution | {"reviewer": d.reviewer, "decided_at": _utc(d.decided_at).isoformat()}
                     for d in earlier] + [resolution | {"reviewer": arbiter, "decided_at": now.isoformat()}]
            return self._resolve(session, item, arbiter, chain, finish, now)

    @staticmethod
    def _resolve(session: Session, item: ReviewItemRow, user: str, chain: list[dict[str, Any]],
                 finish: Callable[[ReviewItem, list[dict[str, Any]]], dict[str, Any]], now: dt.datetime) -> Outcome:
        final = finish(_review_item(item), chain)
        item.state, item.reviewer, item.resolution, item.resolved_at = RESOLVED, user, final, now
        entry = session.scalar(select(EntryRow).where(EntryRow.batch_id == item.batch_id,
                                                      EntryRow.entry_key == item.entry_key))
        if entry is not None:
            entry.status, entry.updated_at = EntryStatus.RESOLVED.value, now
            if final.get("record_key"):
                entry.record_key = final["record_key"]
        session.flush()
        return Outcome(_review_item(item), RESOLVED)

    # --- pages ---------------------------------------------------------------------------------------

    def pages_near(self, batch_id: str, entry_no: int) -> list[int]:
        """The pages holding the nearest entry numbers at or below and at or above ``entry_no`` (where a
        registry-only record's number would stand in the book)."""
        found: set[int] = set()
        with self._session() as session:
            for condition, order in ((EntryRow.entry_no <= entry_no, EntryRow.entry_no.desc()),
                                     (EntryRow.entry_no >= entry_no, EntryRow.entry_no.asc())):
                page = session.scalar(select(EntryRow.page).where(EntryRow.batch_id == batch_id, condition,
                                                                  EntryRow.page.is_not(None))
                                      .order_by(order, EntryRow.id).limit(1))
                if page is not None:
                    found.add(page)
        return sorted(found)

    def has_entry_box(self, item_id: int) -> bool:
        """Whether the item's entry was read on a page (so it has a crop to show)."""
        with self._session() as session:
            source = session.scalar(select(EntryRow.source).join(ReviewItemRow, and_(
                ReviewItemRow.batch_id == EntryRow.batch_id, ReviewItemRow.entry_key == EntryRow.entry_key))
                .where(ReviewItemRow.id == item_id))
        return bool(source and source.get("bbox") and source.get("object_key"))

    def page_image_key(self, batch_id: str, page: int) -> str | None:
        """The stored page image of a page of the batch (the entries read on it name it)."""
        with self._session() as session:
            for source in session.scalars(select(EntryRow.source).where(EntryRow.batch_id == batch_id,
                                                                        EntryRow.page == page).limit(5)):
                if source and source.get("object_key"):
                    return source["object_key"]
        return None

    # --- figures -----------------------------------------------------------------------------------

    def agreement(self, authorities: Sequence[str], agree: Callable[[dict[str, Any], dict[str, Any]], bool]
                  ) -> dict[str, dict[str, int]]:
        """Per reviewer: items read twice (with another reviewer) and how many of those the two agreed on."""
        query = (select(ReviewDecisionRow).join(ReviewItemRow, ReviewItemRow.id == ReviewDecisionRow.review_item_id)
                 .join(BatchRow, BatchRow.batch_id == ReviewItemRow.batch_id)
                 .where(BatchRow.authority.in_(list(authorities))).order_by(ReviewDecisionRow.id))
        by_item: dict[int, list[ReviewDecisionRow]] = {}
        with self._session() as session:
            for row in session.scalars(query):
                if (row.resolution or {}).get("kind", "reading") == "reading":
                    by_item.setdefault(row.review_item_id, []).append(row)
        figures: dict[str, dict[str, int]] = {}
        for rows in by_item.values():
            if len(rows) < 2:
                continue
            same = agree(rows[0].resolution, rows[1].resolution)
            for row in rows[:2]:
                line = figures.setdefault(row.reviewer, {"double_read": 0, "agreed": 0})
                line["double_read"] += 1
                line["agreed"] += int(same)
        return figures

