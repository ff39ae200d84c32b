"""Start a Streamlit server for one benchmark variant and read its CPU time and memory from /proc.

Every variant gets its own process (streamlit-notes §12.5: never share a server between variants),
started from the repo root so ``.streamlit/config.toml`` applies to the app and the baselines alike.
``python -m streamlit run`` is the server process itself, so its /proc entry is the server's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    started: float  # perf_counter() just before the process was launched
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (fields 14 and 15 of /proc/<pid>/stat)."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()  # the command name may contain spaces
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line")

    def wait_healthy(self, timeout: float = 60, poll: float = 0.02) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; log: {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as resp:
                    if resp.read() == b"ok":
                        return
            except OSError:
                time.sleep(poll)
        raise RuntimeError(f"streamlit not healthy after {timeout} s; log: {self.log}")


@contextmanager
def streamlit(script: str = "app.py", *options: str, wait: bool = True) -> Iterator[Server]:
    """A headless server for ``script`` (relative to the repo root) with extra ``--option=value`` flags."""
    port = free_port()
    log_dir = Path(tempfile.gettempdir()) / "lupe-bench"
    log_dir.mkdir(exist_ok=True)
    log = log_dir / f"{Path(script).stem}-{port}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none", "--server.runOnSave=false", *options],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        server = Server(proc, port, started, log)
        try:
            if wait:
                server.wait_healthy()
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    log.unlink()  # reached only without an exception: a failed run keeps its log for the error message
