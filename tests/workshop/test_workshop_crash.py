"""Nothing acknowledged is lost: a process writing answers is killed with SIGKILL mid-workshop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from lupcore.workshop import service as ws
from lupcore.workshop.store import close_store, open_store

WRITER = Path(__file__).with_name("_writer.py")


def test_sigkill_mid_workshop_loses_no_acknowledged_answer(workshop_db_url: str) -> None:
    proc = subprocess.Popen([sys.executable, str(WRITER), workshop_db_url], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        code = proc.stdout.readline().split()[1]
        acked: dict[int, int] = {}
        deadline = time.monotonic() + 60
        while len(acked) < 20 or sum(acked.values()) < 300:  # every person answered, several times over
            line = proc.stdout.readline()
            assert line, "the writer stopped before the kill"
            _, who, counter = line.split()
            acked[int(who)] = max(acked.get(int(who), 0), int(counter))
            assert time.monotonic() < deadline
        proc.send_signal(signal.SIGKILL)  # mid-write: threads are inside transactions right now
        for line in proc.stdout:  # acks already written to the pipe before the kill
            _, who, counter = line.split()
            acked[int(who)] = max(acked.get(int(who), 0), int(counter))
    finally:
        proc.kill()
        proc.wait(10)
    close_store(workshop_db_url)
    res = ws.results(open_store(workshop_db_url), code)
    stored = {int(p[1:]): int(text.split()[1]) for p, text, _ in res.ideas}
    assert set(stored) == set(acked)
    lost = {who: (acked[who], stored[who]) for who in acked if stored[who] < acked[who]}
    assert not lost, f"acknowledged answers missing after SIGKILL (participant: (acked, stored)): {lost}"
