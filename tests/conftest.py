"""Fixtures shared by every test layer, and the guard that makes a missing browser fail the run.

Browser tests are part of ``make test`` and CI (house-style §6.4): if Chromium is absent they must
fail with the install command, never be skipped, or CI would go green without running them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` as well as `python -m pytest` must find lupcore/lupui
    sys.path.insert(0, str(ROOT))

from lupcore.data._dataset import Dataset, load_dataset  # noqa: E402

CHROMIUM_HINT = "install Debian's chromium: apt-get install chromium (or point CHROMIUM at a Chromium binary)"


def chromium_path() -> Path:
    """The browser the e2e layer drives; ``CHROMIUM`` overrides Debian's path."""
    return Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The committed ``data/`` loaded once per run; read-only, like the app's cached copy."""
    return load_dataset()


@pytest.hookimpl(trylast=True)  # after `-m`/`-k` deselection, so `-m "not browser"` runs without Chromium
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_tests = [item.nodeid for item in items if item.get_closest_marker("browser")]
    path = chromium_path()
    if browser_tests and not (path.is_file() and os.access(path, os.X_OK)):
        pytest.exit(
            f"{len(browser_tests)} browser test(s) selected but Chromium was not found at {path}: {CHROMIUM_HINT}. "
            "To run only the other layers use: pytest -m 'not browser'",
            returncode=pytest.ExitCode.TESTS_FAILED,
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List every skip with its reason whatever the verbosity: in CI a skip must never be silent."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    terminalreporter.section("skipped tests (each one is a check that did not run)", yellow=True)
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        terminalreporter.line(f"SKIPPED {report.nodeid}: {reason}", yellow=True)
