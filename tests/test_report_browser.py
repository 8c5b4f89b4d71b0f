"""The HTML report opened in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import sufficiency as suf
from sufficiency.cli import main

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def page_and_log(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    out = tmp_path_factory.mktemp("browser")
    assert main(["report", "--out", str(out), "--n-sims", "200", "--quiet"]) == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console, requests = [], []
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: console.append(("error", str(e))))
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "report.html").as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => "
            "({id: i.id, w: i.naturalWidth, h: i.naturalHeight, done: i.complete}))"
        )
        headline = page.evaluate(
            "Object.fromEntries(Array.from(document.querySelectorAll('[data-headline]')).map(td => "
            "[td.dataset.headline, td.textContent]))"
        )
        shot = page.screenshot(full_page=False)
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    return {
        "console": console,
        "requests": requests,
        "images": images,
        "headline": headline,
        "shot": shot,
        "out": out,
        "width": width,
    }


def test_loads_without_console_errors_or_requests(page_and_log):
    assert not [m for m in page_and_log["console"] if m[0] in ("error", "warning")]
    # the only request is the page itself: images are embedded, nothing leaves it
    assert page_and_log["requests"] == [(page_and_log["out"] / "report.html").as_uri()]


def test_every_chart_has_rendered(page_and_log):
    images = page_and_log["images"]
    assert len(images) >= 8
    assert all(i["done"] and i["w"] > 300 and i["h"] > 200 for i in images), images


def test_headline_figures_in_the_browser_are_the_librarys(page_and_log, sample):
    headline = page_and_log["headline"]
    now = suf.stock(sample, [sample.censor_date], by=())["children"].iloc[0]
    assert headline["Children looked after now"].startswith(f"{now:,}")
    projection = suf.project(suf.fit(sample), horizon=60, n_sims=200, seed=1)
    total = projection.totals()[:, 60]
    assert (
        headline["In 5 years (March 2030)"]
        == f"{total.mean():,.0f} ({np.percentile(total, 10):,.0f} to {np.percentile(total, 90):,.0f})"
    )


def test_screenshot_is_not_blank(page_and_log):
    from io import BytesIO

    from matplotlib.image import imread

    pixels = imread(BytesIO(page_and_log["shot"]), format="png")[..., :3]
    # a blank page is one colour; the report's top has a title, a table and a chart
    assert pixels.std() > 0.05
    assert (pixels.mean(axis=2) < 0.5).mean() > 0.01  # some dark ink: text and lines


def test_the_page_fits_a_1280_pixel_window(page_and_log):
    # wide tables scroll inside their own box; the page itself never does sideways
    assert page_and_log["width"] <= 1280


def _opened(path):
    """A short page as a 1280-pixel browser window shows it: page errors, images (width, loaded), width, text."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        images = page.evaluate("Array.from(document.images).map(i => [i.naturalWidth, i.complete])")
        width = page.evaluate("document.documentElement.scrollWidth")
        text = page.inner_text("body")
        browser.close()
    return errors, images, width, text


def test_evaluation_page_opens_with_its_charts_and_fits_the_window(tmp_path):
    from sufficiency.datasets import Service

    county = suf.simulate_county(seed=21, service=Service(start="2022-04-01", entry_factor=0.5))
    returns = tmp_path / "returns"
    suf.write_returns(county.episodes, county.children, returns, first_year=2016, last_year=2025)
    out = tmp_path / "evaluation"
    args = ["evaluate", str(returns), "--start", "2022-03-31", "--out", str(out), "--n-sims", "100"]
    assert main([*args, "--placebos", "0", "--quiet"]) == 0
    errors, images, width, text = _opened(out / "evaluation.html")
    assert not errors
    assert len(images) == 2 and all(w > 0 and done for w, done in images)  # the two charts load from beside the page
    assert width <= 1280
    assert "entered care" in text and "p = " in text


def test_plan_page_opens_with_its_charts_and_fits_the_window(tmp_path):
    out = tmp_path / "plan"
    brief = suf.sample_path() / "scenarios.json"
    args = ["plan", str(suf.sample_path() / "returns"), "--brief", str(brief), "--scenario", "Step-down to foster care"]
    assert main([*args, "--out", str(out), "--n-sims", "100", "--quiet"]) == 0
    errors, images, width, text = _opened(out / "plan.html")
    assert not errors
    assert len(images) == 1 and all(w > 0 and done for w, done in images)  # the chart loads from beside the page
    assert width <= 1280
    assert "Step-down to foster care" in text and "confirms it with a chance of" in text
