"""The progress bar for slow shared work (the rank Monte Carlo): shown only after 0.3 s, following the runs."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from lupui import background


class FakeBar:
    def __init__(self, log: list[tuple[str, float]]) -> None:
        self.log = log

    def progress(self, share: float, text: str) -> None:
        self.log.append(("progress", share))

    def empty(self) -> None:
        self.log.append(("empty", 1.0))


@pytest.fixture
def bar_log(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    log: list[tuple[str, float]] = []

    def progress(share: float, text: str) -> FakeBar:
        log.append(("shown", share))
        return FakeBar(log)

    monkeypatch.setattr(background.st, "progress", progress)
    return log


def test_quick_work_draws_no_bar(bar_log: list[tuple[str, float]]) -> None:
    assert background.with_progress(lambda report: report(1.0) or 42, "Working…") == 42
    assert bar_log == []


def test_slow_work_shows_a_bar_that_follows_the_runs_and_then_goes(bar_log: list[tuple[str, float]]) -> None:
    def work(report: Callable[[float], None]) -> str:
        for step in range(1, 9):
            time.sleep(0.08)
            report(step / 8)
        return "done"

    assert background.with_progress(work, "Working…") == "done"
    assert bar_log[0][0] == "shown" and bar_log[-1][0] == "empty"
    shares = [share for kind, share in bar_log if kind != "empty"]
    assert shares == sorted(shares) and shares[0] < 1, "the bar appears before the work ends and only moves on"


def test_errors_in_the_work_reach_the_caller(bar_log: list[tuple[str, float]]) -> None:
    def broken(report: Callable[[float], None]) -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        background.with_progress(broken, "Working…")


def test_store_keeps_the_most_recently_used_entries() -> None:
    kept = background.Store(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the most recent
    kept.put("c", 3)
    assert kept.get("b") is background.MISSING and kept.get("a") == 1 and kept.get("c") == 3


def test_memo_keeps_a_none_result() -> None:
    calls: list[int] = []
    for _ in range(3):
        assert background.memo("test-none", 4, "k", lambda: calls.append(1)) is None
    assert calls == [1]
