"""A workshop writer process for the SIGKILL test: threads answer as fast as they can and print each ack.

Usage: python tests/workshop/_writer.py DATABASE_URL. Prints ``ROOM code admin`` then one line
``ACK participant_number counter`` per answer the service confirmed (flushed before the next one).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lupcore.workshop import (
    participation as wp,  # noqa: E402
    service as ws,  # noqa: E402
)
from lupcore.workshop.store import open_store  # noqa: E402

VOCAB = ws.Vocabulary(metrics=frozenset({"gva_per_hour"}))
PEOPLE, THREADS = 20, 4


def main(url: str) -> None:
    store = open_store(url)
    room = ws.open_room(store, area_code="E08000030", title="Crash test", named=False)
    ws.set_state(store, room.code, room.admin_token, "ideas", "open")
    tokens = [wp.join(store, room.code)[0] for _ in range(PEOPLE)]
    out_lock = threading.Lock()
    print(f"ROOM {room.code} {room.admin_token}", flush=True)

    def work(offset: int) -> None:
        counter = 0
        while True:
            counter += 1
            for i in range(offset, PEOPLE, THREADS):
                wp.answer(store, room.code, tokens[i], "ideas", {"text": f"idea {counter}"}, VOCAB)
                with out_lock:  # the ack reaches the test only after the commit returned
                    sys.stdout.write(f"ACK {i + 1} {counter}\n")
                    sys.stdout.flush()

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main(sys.argv[1])
