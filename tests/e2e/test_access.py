"""Every page, at desktop width and on a 390 px phone: nothing is fetched from another host, and
axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) finds no serious or critical violation.

axe-core comes bundled in the pinned ``axe-playwright-python`` package (no network at test time).
The requests are recorded before the conftest's router aborts them, so a page that asks a font CDN
or a tile server fails here even though the test machine is offline.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

WALSALL = "E08000030"
PAGES = ["/", "/Scorecard", "/Weights", "/Map", "/Peers", "/Compare", "/Progress", "/What_if", "/Local_metrics",
         "/Export", "/Data_and_methods"]
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}
AXE = Axe()


def foreign_hosts(urls: list[str]) -> set[str]:
    """Hosts other than the app's own loopback server (data: and blob: URLs have no host)."""
    return {host for host in (urlparse(u).hostname for u in urls) if host and host != "127.0.0.1"}


def test_foreign_host_detector_is_not_blind() -> None:
    """The check below can fail: the two hosts the app used to contact are caught."""
    assert foreign_hosts(["https://fonts.gstatic.com/s/i/x.svg", "http://127.0.0.1:8501/app/static/a.json",
                          "data:image/png;base64,AA", "https://basemaps.cartocdn.com/gl/positron/style.json"]) == {
        "fonts.gstatic.com", "basemaps.cartocdn.com"}


def blocking_violations(page: Page) -> list[str]:
    response = AXE.run(page, options=AXE_OPTIONS).response
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}; e.g. {v['nodes'][0]['target']} "
            f"{v['nodes'][0].get('failureSummary', '')[:160]!r}"
            for v in response["violations"] if v["impact"] in BLOCKING]


PRESENTER = [(p, "&present=1") for p in PAGES]  # every page in presenter mode too (its own stylesheet)


@pytest.mark.parametrize(("path", "extra"), [(p, "") for p in PAGES] + PRESENTER)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_page_is_local_and_accessible(app_url: str, page: Page, open_app: Callable[[str], Page],
                                      viewport: str, path: str, extra: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_app(f"{app_url}{path}?area={WALSALL}{extra}")
    page.wait_for_timeout(1500)  # charts and the map draw after the script run ends
    assert page.get_by_test_id("stException").count() == 0
    assert not foreign_hosts(requested), f"{path} asked another host: {sorted(foreign_hosts(requested))}"
    assert not blocking_violations(page), "\n".join(blocking_violations(page))


def test_share_link_is_the_whole_address(app_url: str, page: Page, open_app: Callable[[str], Page]) -> None:
    """'Share this view' showed only '?area=…' and asked the user to splice it into the address."""
    open_app(f"{app_url}/Export?area={WALSALL}")
    code = page.get_by_test_id("stCode").first.inner_text().strip()
    assert code.startswith(f"{app_url}/Scorecard?") and f"area={WALSALL}" in code, code
    open_app(code)
    assert page.get_by_test_id("stMain").get_by_role("heading", level=1).inner_text().startswith("Scorecard: Walsall")
