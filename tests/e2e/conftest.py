"""Real-browser fixtures: a Streamlit server on a free loopback port and Debian's Chromium, offline.

No ``playwright install`` (it downloads a browser and fails offline): pytest-playwright is pointed
at ``/usr/bin/chromium`` (``CHROMIUM`` overrides). A missing browser fails the tests with the
install command; it is never a skip (house-style §6.4). Every request that is not to the loopback
server is aborted, so the tests are hermetic and cannot pass or fail because of the network.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

ROOT = Path(__file__).resolve().parents[2]
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(script: str = "app.py", *extra: str) -> Iterator[str]:
    """``streamlit run`` headless from the repo root (so .streamlit/config.toml applies); yields its URL."""
    port = free_port()
    log_dir = Path(tempfile.gettempdir()) / "lupe-e2e"  # not test-results/, which pytest-playwright empties
    log_dir.mkdir(exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none", "--server.runOnSave=false", *extra],
            cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(proc, url, log_path)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as resp:
                if resp.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {START_TIMEOUT_S} s; see {log_path}")


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
    """A server no session has visited yet: needed to test a cold deep link (house-style §3 item 4)."""
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
