"""Accessibility of every page type, in light and dark, at phone and desktop widths: axe-core
finds nothing serious or critical; headings nest; every control has a name; nothing scrolls
sideways on a phone; focus is visible; reduced motion is honoured; popovers fit a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.quiz_steps import answer_by_mouse, card_ids, load_question
from tests.e2e.support import (
    describe_violations,
    heading_problems,
    run_axe,
    tab_to,
    template_leaks,
    unnamed_controls,
)

pytestmark = [pytest.mark.e2e, pytest.mark.live]

SCHEMES = ["light", "dark"]
WIDTHS = [PHONE, DESKTOP]


def start_quiz(page, course):
    page.goto(course["quiz_url"])
    page.get_by_role("button", name=re.compile("^Start")).first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))


def answer_first(page, sql):
    question = load_question(sql, card_ids(page)[0])
    answer_by_mouse(page, question, correct=False)
    expect(page.locator(f"#q-{question.id}.is-answered")).to_be_visible()
    expect(page.locator("#quiz-announcer")).not_to_be_empty()


class Site:
    """What the page openers need: the course, the database, ready-made sessions."""

    def __init__(self, course, sql, instructor_cookies, student_history):
        self.course, self.sql = course, sql
        self.instructor_cookies, self.history = instructor_cookies, student_history

    def as_instructor(self, page):
        page.context.add_cookies(self.instructor_cookies)

    def as_student_with_history(self, page):
        page.context.add_cookies(self.history["cookies"])


def open_lesson(page, site):
    page.goto(site.course["lesson_url"])
    # With a popover open, so its colours are checked too.
    page.locator(".lesson-body a.term").filter(visible=True).first.focus()
    expect(page.locator(".lesson-body .term-ref:focus-within .term-tip")).to_be_visible()


def open_term(page, site):
    (slug,) = site.sql(
        "SELECT slug FROM glossary_term ORDER BY slug = 'norepinephrine' DESC LIMIT 1"
    )[0]
    page.goto(f"/glossary/{slug}/")


def open_attempt_answered(page, site):
    start_quiz(page, site.course)
    answer_first(page, site.sql)


def open_summary(page, site):
    site.as_student_with_history(page)
    page.goto(site.history["summary_url"])
    expect(page.locator("h1")).to_contain_text("You scored")


def open_review(page, site):
    site.as_student_with_history(page)  # so there is something to practise
    page.goto("/review/")


def open_progress(page, site):
    site.as_student_with_history(page)  # so the chart and table have something in them
    page.goto("/progress/")


def open_flashcards(page, site):
    page.goto("/review/cards/")
    show = page.get_by_role("link", name="Show the answer")
    if show.count():
        show.click()
        expect(page.get_by_role("button", name="Good")).to_be_visible()


def open_home_with_progress(page, site):
    site.as_student_with_history(page)  # the strip and the cards' statuses swap in
    page.goto("/")
    expect(page.locator(".lesson-status").filter(has_text="Quiz best").first).to_be_visible()


def open_not_found(page, site):
    response = page.goto("/no-such-page/")
    assert response.status == 404


def open_gift_import_with_errors(page, site):
    site.as_instructor(page)
    page.goto("/quizzes/import/")
    # Past the browser's own checks, to see the server's error messages.
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name=re.compile("^Import")).click()
    expect(page.locator(".field-error").first).to_be_visible()


def open_preview_answered(page, site):
    site.as_instructor(page)
    page.goto(f"{site.course['quiz_url']}preview/")
    question = load_question(site.sql, card_ids(page)[0])
    answer_by_mouse(page, question, correct=True)
    expect(page.locator(f"#q-{question.id}.is-answered")).to_be_visible()


def open_statistics(page, site):
    assert site.history  # at least one finished attempt to chart
    site.as_instructor(page)
    page.goto(f"{site.course['quiz_url']}statistics/")


PAGES = {
    "home": lambda page, site: page.goto("/"),
    "lesson": open_lesson,
    "glossary": lambda page, site: page.goto("/glossary/"),
    "term": open_term,
    "search": lambda page, site: page.goto("/glossary/search/?q=alpha"),
    "site-search": lambda page, site: page.goto("/search/?q=receptor"),
    "site-search-typo": lambda page, site: page.goto("/search/?q=norepinephirne"),
    "home-with-progress": open_home_with_progress,
    "quiz": lambda page, site: page.goto(site.course["quiz_url"]),
    "attempt": lambda page, site: start_quiz(page, site.course),
    "attempt-answered": open_attempt_answered,
    "summary": open_summary,
    "progress": open_progress,
    "review": open_review,
    "flashcards": open_flashcards,
    "login": lambda page, site: page.goto("/accounts/login/"),
    "signup": lambda page, site: page.goto("/accounts/signup/"),
    "about": lambda page, site: page.goto("/about/"),
    "404": open_not_found,
    "gift-import": open_gift_import_with_errors,
    "preview": open_preview_answered,
    "statistics": open_statistics,
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("page_type", PAGES)
def test_page_is_accessible(
    new_context, course, sql, instructor_cookies, student_history, page_type, scheme
):
    page = new_context(bypass_csp=True, color_scheme=scheme).new_page()
    PAGES[page_type](page, Site(course, sql, instructor_cookies, student_history))
    failures = accessibility_failures(page, page_type, scheme)
    assert not failures, "\n".join(failures)


def accessibility_failures(page, page_type, scheme):
    """axe-core (serious, critical) at both widths, sideways scrolling, heading order,
    unnamed controls and template syntax, on the page as it is now."""
    page.wait_for_load_state("load")
    failures = []
    for viewport in WIDTHS:
        page.set_viewport_size(viewport)
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        where = f"{page_type} at {viewport['width']} px, {scheme}"
        violations = run_axe(page)
        if violations:
            failures.append(f"axe, {where}:\n{describe_violations(violations)}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{where}: the page scrolls sideways by {overflow} px")
    for problem in heading_problems(page):
        failures.append(f"headings on {page_type}: {problem}")
    for control in unnamed_controls(page):
        failures.append(f"no accessible name on {page_type}: {control}")
    for leak in template_leaks(page):
        failures.append(f"template syntax shows on {page_type}: {leak}")
    return failures


# Classes (issue 17): an instructor's pages on a seeded class, a student's join and
# "Assigned to you" pages, and a quiz answered with feedback deferred.
def open_class_page(page, seeded):
    page.context.add_cookies(seeded["cookies"])
    page.goto(seeded["url"])


def open_gradebook(page, seeded):
    page.context.add_cookies(seeded["cookies"])
    page.goto(f"{seeded['url']}gradebook/?sort=-student")


def open_assignment_form_with_errors(page, seeded):
    page.context.add_cookies(seeded["cookies"])
    page.goto(f"{seeded['url']}assignments/new/")
    page.get_by_label("Opens").fill("2030-01-02T10:00")
    page.get_by_label("Closes").fill("2030-01-01T10:00")
    # Past the browser's own checks (no work chosen), to see the server's error messages.
    page.locator("main form").first.evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".field-error").first).to_be_visible()


def open_class_student(page, seeded):
    page.context.add_cookies(seeded["cookies"])
    page.goto(f"{seeded['url']}gradebook/")
    page.locator(".gradebook tbody th a").first.click()
    expect(page.locator("h1")).to_contain_text("Student")


def open_class_statistics(page, seeded):
    page.context.add_cookies(seeded["cookies"])
    page.goto(seeded["url"])
    page.get_by_role("link", name=re.compile("^Statistics")).first.click()


def open_join_link_as_visitor(page, seeded):
    page.goto("/classes/join/ABCDEFG/")


CLASS_PAGES = {
    "class": open_class_page,
    "gradebook": open_gradebook,
    "assignment-form": open_assignment_form_with_errors,
    "class-student": open_class_student,
    "class-statistics": open_class_statistics,
    "join-link": open_join_link_as_visitor,
    "classes-list": lambda page, seeded: open_class_page(page, seeded) or page.goto("/classes/"),
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("page_type", CLASS_PAGES)
def test_class_page_is_accessible(new_context, seeded_class, page_type, scheme):
    page = new_context(bypass_csp=True, color_scheme=scheme).new_page()
    CLASS_PAGES[page_type](page, seeded_class)
    failures = accessibility_failures(page, page_type, scheme)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_focus_is_visible(new_context, course, scheme, tmp_path):
    page = new_context(color_scheme=scheme).new_page()
    page.goto(course["quiz_url"])
    # The Start form arrives by htmx (the public intro page carries no CSRF token).
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    targets = {
        "skip link": ("a.skip-link", None),
        "nav link": (".nav-list a", "Glossary"),
        "button": ("button", "Start the quiz"),
    }
    for name, (selector, text) in targets.items():
        element = page.locator(selector).filter(has_text=text or "").first
        box_before = element.screenshot(path=tmp_path / f"{name}-before.png")
        tab_to(page, selector, text)
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                               color: s.outlineColor, visible: document.activeElement
                                 .matches(':focus-visible')}; }"""
        )
        assert style["visible"], f"{name}: not :focus-visible after Tab"
        assert style["style"] != "none" and style["width"] >= 2, f"{name}: no outline {style}"
        page.screenshot(path=tmp_path / f"{name}-focused.png")
        box_after = element.screenshot(path=tmp_path / f"{name}-after.png")
        if name != "skip link":  # the skip link is off-screen until focused
            assert box_before != box_after, f"{name}: focusing it changes nothing on screen"


def test_reduced_motion_turns_off_smooth_scrolling_and_transitions(new_context, course):
    def motion(reduced_motion):
        page = new_context(reduced_motion=reduced_motion).new_page()
        page.goto(course["lesson_url"])
        return page.evaluate(
            """() => {
                const seconds = v => Math.max(...v.split(',').map(t =>
                    t.trim().endsWith('ms') ? parseFloat(t) / 1000 : parseFloat(t)));
                const button = document.querySelector('.button');
                return {scroll: getComputedStyle(document.documentElement).scrollBehavior,
                        transition: seconds(getComputedStyle(button).transitionDuration)};
            }"""
        )

    normal = motion("no-preference")
    assert normal["scroll"] == "smooth"
    assert normal["transition"] > 0.05
    reduced = motion("reduce")
    assert reduced["scroll"] == "auto"
    assert reduced["transition"] <= 0.001


def test_glossary_popovers_fit_on_a_phone(new_context, course):
    page = new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    page.goto(course["lesson_url"])
    terms = page.locator(".lesson-body a.term").filter(visible=True)  # not in closed <details>
    count = terms.count()
    assert count
    for index in range(0, count, max(1, count // 12)):
        terms.nth(index).focus()
        tip = page.locator(".lesson-body .term-ref:focus-within .term-tip")
        expect(tip).to_be_visible()
        box = tip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (index, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (index, box)
    # On a touch screen the first tap opens the popover instead of following the link.
    page.keyboard.press("Escape")
    terms.first.tap()
    expect(page.locator(".lesson-body .term-ref.is-open .term-tip")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(course["lesson_url"]) + "$"))


def test_the_axe_check_itself_catches_problems(axe_page):
    """Guards the guard: a planted contrast failure and an unnamed button must be reported."""
    axe_page.goto("/about/")
    axe_page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<p style="color:#bbb;background:#fff">Faint text</p><button></button>');
        }"""
    )
    found = {violation["id"] for violation in run_axe(axe_page)}
    assert {"color-contrast", "button-name"} <= found, found
    assert unnamed_controls(axe_page), "the unnamed button was not noticed"
