"""Two replicas behind real HAProxy and real PostgreSQL (``lupserve.serve.Deployment``): cookie
stickiness, a graceful stop that redispatches its visitors, a SIGKILL that HAProxy notices.

Sessions are driven by the protocol-level client (``bench/wsclient.py``), which sends the cookie a
browser would; each run must draw Walsall's Overview, so a replica that answers with an error fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.wsclient import StSession
from lupserve.procs import run_async
from lupserve.serve import Deployment

QUERY = "area=E08000030"


@pytest.fixture(scope="module")
def deployment(postgres_url: str) -> Iterator[Deployment]:
    with Deployment(replicas=2, database_url=postgres_url, grace_s=0.5, check_interval_ms=500) as d:
        yield d


async def _visit(port: int, cookie: str = "") -> tuple[list[str], list[str], StSession]:
    """Open the Overview through HAProxy and keep the session open; (Set-Cookie values, headings, session)."""
    session = await StSession(port, query_string=QUERY, cookie=cookie).connect()
    result = await session.first_run(timeout=60)
    return session.set_cookies(), result.headings, session


def _served_by(cookies: list[str]) -> str:
    values = [c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("SERVERID=")]
    assert len(values) == 1, cookies
    return values[0]


def test_newcomers_are_spread_and_a_cookie_keeps_a_browser_on_its_replica(deployment: Deployment) -> None:
    async def scenario() -> None:
        c1, h1, s1 = await _visit(deployment.haproxy.port)
        c2, h2, s2 = await _visit(deployment.haproxy.port)
        assert "Walsall" in h1 and "Walsall" in h2
        assert {_served_by(c1), _served_by(c2)} == {"r1", "r2"}  # two open sessions: one on each
        before = deployment.haproxy.states()["r1"].total_sessions
        c3, h3, s3 = await _visit(deployment.haproxy.port, cookie="SERVERID=r1")
        assert "Walsall" in h3
        assert c3 == []  # a valid cookie is not set again (indirect)
        assert deployment.haproxy.states()["r1"].total_sessions == before + 1
        for s in (s1, s2, s3):
            await s.close()

    run_async(scenario())


def test_a_graceful_stop_drains_then_sends_its_visitors_to_the_other_replica(deployment: Deployment) -> None:
    assert deployment.stop_replica("r2") == 0  # SIGTERM after drain: Streamlit exits cleanly
    assert deployment.haproxy.states()["r2"].status == "MAINT"

    async def scenario() -> None:
        cookies, headings, session = await _visit(deployment.haproxy.port, cookie="SERVERID=r2")
        assert "Walsall" in headings
        assert _served_by(cookies) == "r1"  # redispatched and re-cookied
        await session.close()

    run_async(scenario())
    deployment.start_replica("r2")
    assert deployment.haproxy.states()["r2"].status == "UP"


def test_haproxy_marks_a_killed_replica_down_and_its_visitors_reach_the_other(deployment: Deployment) -> None:
    deployment.kill_replica("r1")
    waited = deployment.haproxy.wait_status("r1", "DOWN", timeout=10)
    assert waited < 10

    async def scenario() -> None:
        cookies, headings, session = await _visit(deployment.haproxy.port, cookie="SERVERID=r1")
        assert "Walsall" in headings
        assert _served_by(cookies) == "r2"
        await session.close()

    run_async(scenario())
