"""Comfortable on a phone: a compact header, tables that scroll inside themselves, figures
that fit, and controls big enough to tap."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.live]


def test_lesson_and_quiz_fit_a_phone(new_context, course, sql):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    # A lesson with a table and a figure, if there is one.
    (slug,) = sql(
        "SELECT slug FROM lessons_lesson WHERE published ORDER BY "
        "(linked_html LIKE '%<table%') + (linked_html LIKE '%<figure%') DESC, \"order\" LIMIT 1"
    )[0]
    page.goto(f"/lessons/{slug}/")

    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64, f"the header takes {header['height']} px of a phone screen"
    # One row: the menu folds behind a button (test_first_visit.py opens it without JS).
    expect(page.locator(".nav-wide")).to_be_hidden()
    expect(page.locator(".nav-menu-button")).to_be_visible()

    layout = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            // Each table scrolls inside its own region (stressed/markdown.py wraps it).
            const tables = [...document.querySelectorAll('.lesson-body .table-scroll')].map(t => ({
                fits: t.getBoundingClientRect().right <= width,
                scrolls: getComputedStyle(t).overflowX === 'auto',
                wide: t.scrollWidth > t.clientWidth,
            }));
            const figures = [...document.querySelectorAll('.lesson-body figure img')]
                .map(i => i.getBoundingClientRect().right <= width);
            return {tables, figures, page: document.documentElement.scrollWidth <= width};
        }"""
    )
    assert layout["page"], "the lesson scrolls sideways"
    assert all(t["fits"] and t["scrolls"] for t in layout["tables"]), layout["tables"]
    if any(t["wide"] for t in layout["tables"]):
        assert layout["page"], "a wide table must scroll inside itself, not widen the page"
    assert all(layout["figures"]), "a figure is wider than the screen"

    page.goto(course["quiz_url"])
    page.get_by_role("button", name=re.compile("^Start")).first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    small = page.evaluate(
        """() => [...document.querySelectorAll(`main button, main .button, main select,
                   main input[type=text], .question-card .option`)]
            .filter(e => e.checkVisibility())
            .map(e => e.getBoundingClientRect())
            .filter(r => r.height < 44 || r.right > document.documentElement.clientWidth)
            .length"""
    )
    assert small == 0, f"{small} quiz controls are under 44 px tall or off the screen"
