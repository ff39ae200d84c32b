"""Screenshot pages of a running app in Debian's Chromium: `python scripts/screenshot.py URL OUT.png [...]`.

A developer tool for looking at what we build as a user would (and what CI's browser sees).
"""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def main(pairs: list[str]) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": int(os.environ.get("WIDTH", 1400)), "height": int(os.environ.get("HEIGHT", 900))})
        page.route(lambda u: not u.startswith("http://127.0.0.1") and not u.startswith("http://localhost"), lambda r: r.abort())
        for url, out in zip(pairs[::2], pairs[1::2], strict=True):
            page.goto(url)
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            page.wait_for_timeout(1500)
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            page.screenshot(path=out, full_page=True)
            print(out)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
