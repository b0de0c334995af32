"""Regenerates docs/screenshots/<page>-<width>.png: what the site looks like, for the README
and for reviewing design changes. Each file stays under 1.5 MB."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.quiz_steps import answer_by_mouse, card_ids, load_question

pytestmark = [pytest.mark.e2e, pytest.mark.live]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 1_500_000
# Tallest part of a page kept, in CSS pixels: long pages are cut, not shrunk.
MAX_HEIGHT = {PHONE["width"]: 2600, DESKTOP["width"]: 1500}


def shoot(page, name, clip_top=0):
    width = page.viewport_size["width"]
    page.evaluate("document.fonts.ready")
    height = page.evaluate("document.documentElement.scrollHeight")
    top = max(0, min(clip_top, height - MAX_HEIGHT[width]))
    clip = {"x": 0, "y": top, "width": width, "height": min(height - top, MAX_HEIGHT[width])}
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(
        path=path, type="png", full_page=True, clip=clip, animations="disabled", caret="hide"
    )
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    return path


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_screenshots(new_context, course, sql, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport=viewport, device_scale_factor=1).new_page()

    page.goto("/")
    shoot(page, "home")

    page.goto(course["lesson_url"])
    if viewport == DESKTOP:  # with a glossary popover open (on phones it is a bottom sheet)
        ref = page.locator(".lesson-body .term-ref").filter(visible=True).first
        ref.locator("a.term").hover()
        expect(ref.locator(".term-tip")).to_be_visible()
    shoot(page, "lesson")

    page.goto("/glossary/")
    shoot(page, "glossary")

    page.goto(course["quiz_url"])
    page.get_by_role("button", name=re.compile("^Start")).first.click()
    ids = card_ids(page)
    for number, question_id in enumerate(ids[:2], start=1):
        question = load_question(sql, question_id)
        answer_by_mouse(page, question, correct=number == 1)
        expect(page.locator(f"#q-{question_id}.is-answered")).to_be_visible()
    page.mouse.move(0, 0)
    shoot(page, "quiz")

    for question_id in ids[2:4]:
        answer_by_mouse(page, load_question(sql, question_id), correct=True)
        expect(page.locator(f"#q-{question_id}.is-answered")).to_be_visible()
    page.get_by_role("button", name="Finish and see my score").click()
    expect(page.locator("h1")).to_contain_text("You scored")
    shoot(page, "summary")

    page.get_by_role("link", name="See my progress").click()
    expect(page.locator("h1")).to_have_text("Your progress")
    shoot(page, "progress")

    # The home page of a student with progress: where to continue, each lesson's status.
    page.goto("/")
    expect(page.locator(".lesson-status").filter(has_text="Quiz best").first).to_be_visible()
    shoot(page, "home-progress")

    page.goto("/search/?q=brown+fat")
    expect(page.locator(".search-results a").first).to_be_visible()
    shoot(page, "search")
