"""Browser journeys for the Map page: the deck really draws, and a click on the map chooses the locality.

Only what AppTest cannot see is tested here: WebGL output (a pixel check on a screenshot, because a
blank canvas is still "visible"), the boundaries fetched once from the static URL, and a click
travelling from deck.gl through Streamlit's selection state back into the page.
"""

from __future__ import annotations

import io
import math
import re
import time
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from lupcore.data._dataset import Dataset

WALSALL, CORNWALL = "E08000030", "E06000052"
BOUNDARIES_PATH = "/app/static/boundaries-ltla.geojson"
VIEW = {"latitude": 54.6, "longitude": -3.2, "zoom": 4.7}  # the page's initial view (pages/3_Map.py)
DRAWN = 0.02  # share of saturated pixels: a drawn map gives ~15 %, a blank WebGL canvas 0
DRAW_DEADLINE_S = 90  # SwiftShader renders on the CPU; the first frame can take a while on 2 cores
VIEWPORT = {"width": 1280, "height": 1100}  # the whole 640 px map, Cornwall included, inside the window

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) trips a pytest 9 deprecation; not ours to fix.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def coloured_share(png: bytes) -> float:
    """Share of pixels whose channels differ by more than 40: map colours, not white, grey or black."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return float(((rgb.max(axis=2) - rgb.min(axis=2)) > 40).mean())


def wait_until_drawn(chart: Locator, deadline_s: float = DRAW_DEADLINE_S) -> bytes:
    """Poll screenshots until the map is coloured (the GeoJSON arrives after the canvas)."""
    expect(chart.locator("canvas").first).to_be_attached(timeout=60_000)
    deadline = time.monotonic() + deadline_s
    share = 0.0
    while time.monotonic() < deadline:
        png = chart.screenshot()
        share = coloured_share(png)
        if share > DRAWN:
            return png
        time.sleep(0.5)
    raise AssertionError(f"map still blank after {deadline_s} s: {share:.1%} coloured pixels")


def screen_point(chart: Locator, lon: float, lat: float) -> tuple[float, float]:
    """Viewport pixel of (lon, lat) in the page's initial Web Mercator view (deck.gl: 512 px world at zoom 0)."""
    box = chart.bounding_box()
    assert box is not None

    def mercator(lo: float, la: float) -> tuple[float, float]:
        size = 512 * 2 ** VIEW["zoom"]
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2
        return (lo + 180) / 360 * size, y * size

    cx, cy = mercator(VIEW["longitude"], VIEW["latitude"])
    x, y = mercator(lon, lat)
    return box["x"] + box["width"] / 2 + x - cx, box["y"] + box["height"] / 2 + y - cy


# deck.gl turns pointerdown + pointerup into a click only if they come within 250 ms (its tap
# recogniser reads the clock). SwiftShader takes ~2.5 s to pick on pointerdown, so a real
# mouse click can never be a tap here, although it is on any machine with a GPU. The tap is
# therefore dispatched with the clock held still between the two events, exactly as fast
# hardware would see it; everything after that (picking, Streamlit's selection state, the
# rerun, the page's callback) is the real thing.
TAP = """([x, y]) => {
  const target = document.elementFromPoint(x, y);
  if (!target) return null;
  const init = {clientX: x, clientY: y, bubbles: true, cancelable: true, pointerId: 1, pointerType: 'mouse',
                isPrimary: true, button: 0};
  const down = new PointerEvent('pointerdown', {...init, buttons: 1});
  const up = new PointerEvent('pointerup', {...init, buttons: 0});
  const realDate = Date.now, realPerf = performance.now;
  const d0 = realDate(), p0 = performance.now();
  Date.now = () => d0;
  performance.now = () => p0;
  try { target.dispatchEvent(down); target.dispatchEvent(up); }
  finally { Date.now = realDate; performance.now = realPerf; }
  return target.id || target.tagName;
}"""


def tap_until(page: Page, x: float, y: float, url: re.Pattern[str], deadline_s: float = 90) -> None:
    """Tap at (x, y) until the URL matches: the first pick on SwiftShader may still be compiling shaders."""
    deadline = time.monotonic() + deadline_s
    while True:
        assert page.evaluate(TAP, [x, y]), "nothing under the point to tap"
        try:
            expect(page).to_have_url(url, timeout=8_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


@pytest.fixture
def map_page(page: Page, app_url: str, open_app: Callable[[str], Page]) -> tuple[Page, list[str]]:
    """The Walsall Map page in a tall window, with every request for the boundaries file recorded."""
    page.set_viewport_size(VIEWPORT)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if BOUNDARIES_PATH in request.url else None)
    open_app(f"{app_url}/Map?area={WALSALL}")
    return page, fetched


def test_map_draws_and_colours_change_without_refetching_boundaries(map_page: tuple[Page, list[str]]) -> None:
    page, fetched = map_page
    main = page.get_by_test_id("stMain")
    chart = page.get_by_test_id("stDeckGlJsonChart")
    expect(main.get_by_role("heading", name="Overall Levelling Up score")).to_be_visible()
    before = wait_until_drawn(chart)
    assert len(fetched) == 1, f"boundaries fetched {len(fetched)} times: {fetched}"

    kind = main.get_by_role("combobox", name="Colour the map by")
    kind.click()
    page.get_by_role("option", name="A metric's status (RAG)").click()
    expect(main.get_by_role("heading", name=re.compile(r": status$"))).to_be_visible(timeout=30_000)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    deadline = time.monotonic() + DRAW_DEADLINE_S
    while True:  # the same canvas redraws with the RAG colours; wait for the picture to change
        after = wait_until_drawn(chart)
        old, new = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=np.int16) for p in (before, after))
        changed = float((np.abs(old - new).max(axis=2) > 40).mean()) if old.shape == new.shape else 1.0
        if changed > DRAWN or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert changed > DRAWN, f"only {changed:.1%} of the map changed colour after switching to RAG"
    assert len(fetched) == 1, "a rerun must send colours only, never make the browser fetch boundaries again"
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_clicking_an_area_on_the_map_makes_it_the_locality(map_page: tuple[Page, list[str]],
                                                           dataset: Dataset) -> None:
    """Click Cornwall's marker (large, isolated, at the edge of the default view) on the Walsall map."""
    page, _ = map_page
    chart = page.get_by_test_id("stDeckGlJsonChart")
    wait_until_drawn(chart)
    cornwall = dataset.areas.loc[CORNWALL]
    x, y = screen_point(chart, float(cornwall["lon"]), float(cornwall["lat"]))
    tap_until(page, x, y, re.compile(rf"[?&]area={CORNWALL}(&|$)"))
    expect(page.get_by_text("Locality changed to Cornwall from the map.")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stSidebar").get_by_text(re.compile(r"^Showing Cornwall\b"))).to_be_visible()
    expect(page.get_by_test_id("stMain").get_by_text(re.compile(r"^Cornwall: score "))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
