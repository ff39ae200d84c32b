"""Fixtures shared by every test layer, and the guard that makes a missing browser fail the run.

Browser tests are part of ``make test`` and CI: if Chromium is absent they must
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

POSTGRES_VAR = "LUPE_TEST_POSTGRES_URL"
POSTGRES_HINT = ("start a throwaway cluster around the run: `make test` does it when Debian's postgresql is installed "
                 "(apt-get install postgresql), or `python3 -m lupserve.pgtemp run -- .venv/bin/pytest ...`")
POSTGRES_NOT_RUN = "PostgreSQL NOT TESTED"
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


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


SHARED = ROOT.parent / "shared"  # the raw open data beside the clone (CI always has it)


def require_shared(path: Path) -> Path:
    """``path`` under ../shared: a data-rebuild check needs the raw files. In CI their absence FAILS the
    test (CI always runs with ../shared beside the clone); elsewhere it is skipped with the reason."""
    if path.exists():
        return path
    message = f"raw data not present at {path} (a clone without ../shared); the check runs wherever it exists"
    if in_ci():
        pytest.fail(f"CI must run the data checks: {message}", pytrace=False)
    pytest.skip(message)


def require_postgres_url() -> str:
    """``LUPE_TEST_POSTGRES_URL`` (a SQLAlchemy URL for psycopg 3); in CI its absence FAILS the test.

    On a developer machine without PostgreSQL the test is skipped with a reason that the run's
    summary repeats in a banner, so nobody mistakes a green run for a tested PostgreSQL path.
    """
    url = os.environ.get(POSTGRES_VAR, "").strip()
    if url:
        return url
    message = f"{POSTGRES_VAR} is not set: {POSTGRES_HINT}"
    if in_ci():
        pytest.fail(f"CI must test PostgreSQL: {message}", pytrace=False)
    pytest.skip(f"{POSTGRES_NOT_RUN}: {message}")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The throwaway PostgreSQL cluster of this run (see ``require_postgres_url``)."""
    return require_postgres_url()


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
    no_postgres = 0
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        no_postgres += POSTGRES_NOT_RUN in reason
        terminalreporter.line(f"SKIPPED {report.nodeid}: {reason}", yellow=True)
    if no_postgres:
        terminalreporter.section(f"{no_postgres} POSTGRESQL TEST(S) DID NOT RUN", red=True, bold=True)
        terminalreporter.line(f"{POSTGRES_VAR} was not set. {POSTGRES_HINT}. In CI (CI=true) they fail instead.",
                              red=True, bold=True)
