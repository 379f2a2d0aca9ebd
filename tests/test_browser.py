"""In a real browser (headless Chromium driven by Playwright), on
``boardpapers serve`` of the bundled corpus: search for a resolution from the
index page, open it, follow its provenance link to the highlighted page; open
an indicator's chart. Screenshots are saved in each test's tmp_path.

Needs Debian's ``chromium`` and the ``playwright`` package, which
``scripts/install_browser.sh`` installs (the test runs it when they are
missing); skipped only when the browser cannot be installed here.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from publication_support import corpus_db, example_series, made_indicators, start_serve, stop_serve

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_browser() -> str:
    """Chromium's path, installing it and Playwright first when missing."""
    try:
        import playwright.sync_api  # noqa: F401
        have_driver = True
    except ImportError:
        have_driver = False
    if not have_driver or not chromium_path():
        result = subprocess.run(["bash", str(REPO / "scripts" / "install_browser.sh")], capture_output=True, text=True,
                                env={**os.environ, "PYTHON": sys.executable}, timeout=900)
        reason = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        try:
            import playwright.sync_api  # noqa: F401,F811
        except ImportError:
            pytest.skip(f"Playwright could not be installed ({reason[0]}); run scripts/install_browser.sh")
        if not chromium_path():
            pytest.skip(f"Chromium is not installed and could not be installed here ({reason[0]}); "
                        "run scripts/install_browser.sh as root on Debian")
    return chromium_path()


@pytest.fixture(scope="module")
def browser():
    executable = ensure_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    process, base = start_serve(corpus_db(tmp_path_factory))
    yield base
    stop_serve(process)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    outside = []
    tab.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    yield tab
    context.close()
    assert not outside, f"pages asked the network for {outside}"


def image_loaded(tab, selector: str) -> int:
    tab.wait_for_function(f"document.querySelector({selector!r}).complete && "
                          f"document.querySelector({selector!r}).naturalWidth > 0", timeout=30000)
    return tab.eval_on_selector(selector, "img => img.naturalWidth")


def test_search_open_a_resolution_and_see_its_page(page, served, tmp_path):
    page.goto(served + "/")
    page.fill("#bp-q", "training be arranged")
    page.click(".bp-search button[type=submit]")
    page.wait_for_url("**/-/search?q=training+be+arranged")
    page.screenshot(path=str(tmp_path / "1-search.png"), full_page=True)
    groups = page.locator("section.bp-group").evaluate_all("sections => sections.map(s => s.id)")
    assert groups[:2] == ["resolutions", "actions"] and "pages" in groups
    hit = page.locator("section#resolutions li.bp-hit", has_text="003_38ad48cc9663eea4.pdf").first
    assert "That training be arranged for Board members" in hit.inner_text()

    hit.locator("a.bp-hit-title").click()
    page.wait_for_url("**/papers/resolutions/*")
    cite = page.locator("#bp-cite-text").inner_text()
    assert cite == ("Leicestershire Safer Communities Strategy Board, meeting of 18 March 2022, minute 53(b). "
                    "003_38ad48cc9663eea4.pdf, page 5.")
    original = page.locator(".bp-cite a.bp-original-link").get_attribute("href")
    assert original.endswith("?page=5#page=5")
    assert image_loaded(page, ".bp-cite img.bp-thumb") > 0
    arising = page.locator("#bp-related tr.bp-action")
    assert arising.count() == 1 and "training be arranged" in arising.inner_text()
    assert arising.locator(".bp-status").inner_text() == "open, no update yet"
    page.screenshot(path=str(tmp_path / "2-resolution.png"), full_page=True)

    page.locator(".bp-cite a.bp-page-link").click()
    page.wait_for_url("**/-/boardpapers/page/*/5?bbox=*")
    assert image_loaded(page, "#bp-page-image") == 1191  # A4 at 144 dpi
    assert "page 5." in page.locator("#bp-cite-text").inner_text()
    page.screenshot(path=str(tmp_path / "3-page.png"), full_page=True)
    assert (tmp_path / "3-page.png").stat().st_size > 50_000

    response = page.request.get(served + original.split("#")[0])
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_a_resolution_shows_the_people_involved(page, served, tmp_path):
    page.goto(served + "/-/search?q=" + "formally request the data".replace(" ", "+"))
    hit = page.locator("section#resolutions li.bp-hit", has_text="002_b57fa291a26203ee.pdf").first
    hit.locator("a.bp-hit-title").click()
    page.wait_for_url("**/papers/resolutions/*")
    person = page.locator("#bp-related li.bp-person", has_text="Chris Thomas")
    assert "responsible" in person.locator(".bp-kind").inner_text().lower()  # shown in capitals by the CSS
    assert page.locator("#bp-related tr.bp-action .bp-status").first.inner_text() == "open, no update yet"
    page.screenshot(path=str(tmp_path / "6-people.png"), full_page=True)

    person.get_by_role("link", name="Chris Thomas").click()
    page.wait_for_url("**/papers/officers/*")
    assert "Chris Thomas" in page.locator("h1").inner_text() or "Chris Thomas" in page.content()
    assert page.get_by_text("from officer_id in appearances").count() == 1


def test_open_an_indicator_chart(page, served, tmp_path, tmp_path_factory):
    _, name, _ = example_series(corpus_db(tmp_path_factory))
    page.goto(served + "/-/boardpapers/series")
    page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_url("**/-/boardpapers/series?name=*")
    chart = page.locator("svg.bp-chart")
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 250
    points = page.locator("svg.bp-chart circle.bp-point").count()
    assert points == 4 if made_indicators() else points > 0
    assert page.locator("svg.bp-chart path.bp-series").get_attribute("d").count("L") == points - 1
    page.screenshot(path=str(tmp_path / "4-chart.png"), full_page=True)

    page.locator("svg.bp-chart a").last.click()
    page.wait_for_url("**/-/boardpapers/page/**")
    assert image_loaded(page, "#bp-page-image") > 0
    page.screenshot(path=str(tmp_path / "5-chart-source.png"), full_page=True)
