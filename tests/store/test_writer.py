"""The group-commit writer: jobs of one batch commit together; a refused job leaves no trace."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from client.events import NoticeUpdated
from server.domain.clock import ManualClock
from server.domain.errors import Conflict
from server.store.engine import make_engine
from server.store.tables import Event, Hall
from server.store.transaction import CommittedEvent, Tx
from server.store.writer import Writer
from tests.helpers import HALL_OPENING, migrated_database


def make_hall(code: str, fail: bool = False):  # type: ignore[no-untyped-def]
    def job(tx: Tx) -> str:
        hall = Hall(code=code, name=code, created_at=tx.now)
        tx.session.add(hall)
        tx.session.flush()
        tx.emit(hall.id or 0, NoticeUpdated(text=code))
        if fail:
            raise Conflict(f"{code} refused after writing")
        return code

    return job


@pytest.mark.parametrize("batch_size", [1, 5])
async def test_a_refused_job_is_rolled_back_alone(tmp_path: Path, batch_size: int) -> None:
    url = migrated_database(tmp_path)
    published: list[CommittedEvent] = []
    writer = Writer(make_engine(url, writer=True), ManualClock(HALL_OPENING), published.extend)
    codes = [f"H{i}" for i in range(batch_size)]
    failing = codes[len(codes) // 2]
    # queued before the writer starts, so they are taken as one batch
    futures = [asyncio.ensure_future(writer.run(make_hall(c, fail=c == failing))) for c in codes]
    await asyncio.sleep(0)
    writer.start()
    results = await asyncio.gather(*futures, return_exceptions=True)
    writer.stop()
    assert writer.batches == 1 and writer.jobs == batch_size
    for code, result in zip(codes, results, strict=True):
        if code == failing:
            assert isinstance(result, Conflict)
        else:
            assert result == code
    with Session(make_engine(url)) as session:
        stored = set(session.exec(select(Hall.code)))
        events = list(session.exec(select(Event).order_by(col(Event.id))))
    assert stored == set(codes) - {failing}
    assert sorted(e.data["text"] for e in events) == sorted(set(codes) - {failing})
    await asyncio.sleep(0.05)  # publication is scheduled on the loop after the commit
    assert sorted(e.data["text"] for e in published) == sorted(set(codes) - {failing})
