"""Real-browser fixtures: a Streamlit server on a free loopback port and Debian's Chromium, offline.

No ``playwright install`` (it downloads a browser and fails offline): pytest-playwright is pointed
at ``/usr/bin/chromium`` (``CHROMIUM`` overrides). A missing browser fails the tests with the
install command; it is never a skip. Every request that is not to the loopback
server is aborted, so the tests are hermetic and cannot pass or fail because of the network.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from lupserve.procs import streamlit

ROOT = Path(__file__).resolve().parents[2]
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


@contextmanager
def streamlit_server(script: str = "app.py", *extra: str) -> Iterator[str]:
    """``streamlit run`` headless from the repo root (so .streamlit/config.toml applies); yields its URL.

    Logs go to the temporary folder's lupe-e2e/ (not test-results/, which pytest-playwright empties).
    """
    with streamlit(script, *extra, log_dir="lupe-e2e") as server:
        yield server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    path = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"Chromium not found at {path}: install Debian's chromium: apt-get install chromium", pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(path), "args": CHROME_ARGS}


# Assertions wait up to 15 s (Playwright's default is 5 s): a busy CI machine can take longer than 5 s
# over a rerun that needs the Monte Carlo, and a passing check returns as soon as it holds.
expect.set_options(timeout=15_000)


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """pytest-playwright's context, with every non-loopback request aborted (e.g. the map's basemap)."""
    context.route(lambda url: not url.startswith(LOOPBACK), lambda route: route.abort())
    context.set_default_timeout(30_000)
    return context


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """One server shared by the journeys that do not care whether it is fresh."""
    with streamlit_server() as url:
        yield url


@pytest.fixture
def fresh_app_url() -> Iterator[str]:
    """A server no session has visited yet: needed to test a cold deep link."""
    with streamlit_server() as url:
        yield url


@pytest.fixture
def open_app(page: Page) -> Callable[[str], Page]:
    """``open_app(url)``: load a URL and wait until the script run has finished, never a fixed sleep."""

    def _open(url: str) -> Page:
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        return page

    return _open
