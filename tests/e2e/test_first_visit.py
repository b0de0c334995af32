"""What a first visit asks for (issue 20): site search as you type and without JavaScript, a
home page that remembers where you were, a lesson that fits a phone, and no CSP violation on
any page type."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.quiz_steps import answer_by_mouse, card_ids, load_question

pytestmark = [pytest.mark.e2e, pytest.mark.live]

# Every CSP violation becomes a console error the fixture fails on, whatever the browser's
# own wording is.
REPORT_CSP = """
document.addEventListener('securitypolicyviolation', e => console.error(
    'CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline') +
    ' at ' + location.pathname));
"""


def watched(new_context, **options):
    context = new_context(**options)
    context.add_init_script(REPORT_CSP)
    return context


def test_search_as_you_type_and_without_javascript(new_context, sql):
    page = watched(new_context).new_page()
    page.goto("/")
    header_search = page.get_by_role("searchbox", name="Search the site").filter(visible=True)
    header_search.fill("brown fat")
    header_search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=brown\+fat$"))
    first = page.locator(".search-results a").first
    expect(first).to_have_attribute("href", "/glossary/brown-adipose-tissue/")
    # As you type: results swap in and the address follows.
    box = page.get_by_role("searchbox", name="Search lessons, glossary and quizzes")
    box.fill("reuptake")
    expect(page).to_have_url(re.compile(r"/search/\?q=reuptake$"))
    expect(page.locator("#site-results mark").first).to_have_text(re.compile("reuptake", re.I))
    # Back returns to the previous query's results; forward to these.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=brown\+fat$"))
    expect(page.locator(".search-results a").first).to_have_attribute(
        "href", "/glossary/brown-adipose-tissue/"
    )
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/search/\?q=reuptake$"))
    expect(page.locator("#site-results mark").first).to_have_text(re.compile("reuptake", re.I))
    section = page.locator('.search-results a[href*="/lessons/"][href*="#"]').first
    href = section.get_attribute("href")
    section.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    anchor = href.split("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    # A typo gets a suggestion from the site's own words.
    page.goto("/search/?q=" + quote("norepinephirne"))
    expect(page.locator(".did-you-mean")).to_contain_text("Norepinephrine")

    plain = new_context(java_script_enabled=False).new_page()
    plain.goto("/search/?q=adipose")
    expect(plain.locator(".search-results a").first).to_be_visible()


def test_home_remembers_where_you_were(new_context, course, sql):
    context = watched(new_context, viewport={"width": 1280, "height": 700})
    page = context.new_page()
    # A session first (scrolling alone sets no cookie): mark another lesson complete.
    (other,) = sql(
        'SELECT slug FROM lessons_lesson WHERE published AND slug != ? ORDER BY "order" LIMIT 1',
        course["lesson"],
    )[0]
    page.goto(f"/lessons/{other}/")
    page.get_by_role("link", name="Mark this lesson complete").click()
    expect(page.locator("#complete-control")).to_contain_text("You marked this lesson complete")
    page.goto(course["lesson_url"])
    headings = page.locator(".lesson-body h2[id]")
    second = headings.nth(1)
    title, anchor = second.inner_text(), second.get_attribute("id")
    # The private fragment (fetched at once, with a session) posts the position; reaching the
    # end of the lesson marks it read; scrolling past a heading posts that heading.
    expect(page.locator("#complete-control form[data-reading]")).to_have_count(1)
    page.evaluate("document.getElementById('complete-control').scrollIntoView()")
    expect(page.get_by_text("You marked this lesson complete")).to_be_visible()  # read at end
    second.evaluate("h => window.scrollTo(0, h.getBoundingClientRect().top + scrollY - 100)")
    with page.expect_response(re.compile(r"/position/$")) as posted:
        page.mouse.wheel(0, 40)
    assert posted.value.status == 204
    page.goto("/")
    continue_link = page.locator("#your-progress a.button")
    expect(continue_link).to_have_text(re.compile(r"^Continue: lesson \d+, " + re.escape(title)))
    expect(continue_link).to_have_attribute("href", f"{course['lesson_url']}#{anchor}")
    status = page.locator(f"#status-{course['lesson']}")
    expect(status).to_contain_text("Read")


def test_lesson_on_a_phone(new_context, sql):
    (slug,) = sql(
        "SELECT slug FROM lessons_lesson WHERE published AND linked_html LIKE '%<table%' "
        'ORDER BY "order" LIMIT 1'
    )[0]
    page = watched(new_context, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"/lessons/{slug}/")
    # The header is one row: brand, search, menu button.
    tops = page.evaluate(
        """() => ['.brand', '.header-search', '.nav-menu-button'].map(s =>
            Math.round(document.querySelector(s).getBoundingClientRect().top))"""
    )
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64, header
    assert max(tops) - min(tops) <= 12, tops
    # The lesson's contents are in the first screen, and open in place.
    contents = page.locator("details.toc-narrow")
    summary = contents.locator("summary")
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    summary.click()
    first_link = contents.locator("a").first
    expect(first_link).to_be_in_viewport()
    expect(page.locator("nav.toc-wide")).to_be_hidden()
    # Wide tables scroll in a region of their own that a keyboard can reach, with a name.
    region = page.locator(".lesson-body .table-scroll").first
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("aria-label", re.compile(r"^Table"))
    region.focus()
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.lesson-body .table-scroll').scrollLeft > 0"
    )
    first_cell = region.locator("tbody tr td, tbody tr th").first
    assert first_cell.evaluate("c => getComputedStyle(c).position") == "sticky"
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_phone_menu_works_without_javascript(new_context, course):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(course["lesson_url"])
    menu = page.locator("details.nav-menu")
    expect(menu.get_by_role("link", name="Glossary")).to_be_hidden()
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Glossary")).to_be_visible()
    menu.get_by_role("link", name="Glossary").click()
    expect(page).to_have_url(re.compile(r"/glossary/$"))


def open_attempt_with_answer(page, course, sql):
    page.goto(course["quiz_url"])
    page.get_by_role("button", name=re.compile("^Start")).first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    ids = card_ids(page)
    for question_id in ids:
        answer_by_mouse(page, load_question(sql, question_id), correct=True)
        expect(page.locator(f"#q-{question_id}.is-answered")).to_be_visible()
    page.get_by_role("button", name="Finish and see my score").click()
    expect(page.locator("h1")).to_contain_text("You scored")


def test_no_csp_violation_on_any_page_type(new_context, course, sql):
    """Under the site's real CSP, first as a new visitor and then with a session (so the
    personal fragments load too): any violation is a console error and fails the test."""
    page = watched(new_context).new_page()
    (term,) = sql("SELECT slug FROM glossary_term ORDER BY name LIMIT 1")[0]
    visits = [
        "/",
        course["lesson_url"],
        "/glossary/",
        f"/glossary/{term}/",
        "/glossary/search/?q=alpha",
        "/search/?q=receptor",
        course["quiz_url"],
    ]
    for url in visits:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    open_attempt_with_answer(page, course, sql)  # attempt, answers by htmx, summary
    for url in [*visits, "/progress/", "/review/", "/review/cards/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.goto(course["lesson_url"])  # with a session: the fragment, its forms, the end
    expect(page.locator("#complete-control form[data-reading]")).to_have_count(1)
    page.evaluate("document.getElementById('complete-control').scrollIntoView()")
    page.wait_for_load_state("networkidle")
    page.goto("/review/cards/")
    page.get_by_role("link", name="Show the answer").click()
    page.locator("button[value=good]").click()
    expect(page.locator("#flashcard")).to_be_visible()
    page.goto("/search/?q=vaso")
    page.get_by_role("searchbox", name="Search lessons, glossary and quizzes").fill("vasocon")
    expect(page).to_have_url(re.compile(r"q=vasocon$"))
    page.wait_for_load_state("networkidle")
