"""Browser fixtures for the end-to-end suite: one chromium for all of tests/e2e/, a fresh context
(cookies, storage, colour scheme, viewport) per test.

Debian's chromium is used because test tools cannot download browsers here. The Django ORM is
never touched in these tests: Playwright's sync API runs an event loop in this thread, so the
database is read through sqlite3 (see `sql`) and written through `live_site.manage(...)`.
"""

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "e2e-Passw0rd-long-enough"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


# Package scope, not session: while Playwright's sync API is running it keeps an asyncio loop
# running in this thread, and the Django tests collected after tests/e2e/ would then fail
# with SynchronousOnlyOperation. The browser closes when the last browser test is done.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (.ci/ensure-browser.sh).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class BrowserProblems:
    """Console errors and uncaught exceptions seen by the pages of one test."""

    def __init__(self):
        self.items = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.items.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )

    def serious(self):
        """CSP violations and script errors. Failed loads (a 404 page, a deliberate 422) are
        ordinary HTTP and are checked by the tests that cause them."""
        return [item for item in self.items if "Failed to load resource" not in item]


@pytest.fixture
def new_context(browser, live_site):
    """Factory for browser contexts against the live site; all are closed after the test.

    Pass `bypass_csp=True` only to inject axe-core: journeys run under the site's real CSP and
    fail on any CSP violation or script error."""
    contexts = []
    problems = BrowserProblems()

    def make(**options):
        options.setdefault("base_url", live_site.url)
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("page", problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not problems.serious(), "\n".join(problems.serious())


@pytest.fixture
def page(new_context):
    """A page in a fresh context, under the site's CSP."""
    return new_context().new_page()


@pytest.fixture
def axe_page(new_context):
    """A page whose context may inject axe-core (CSP bypassed for that script only)."""
    return new_context(bypass_csp=True).new_page()


@pytest.fixture
def sql(live_site):
    """Read-only queries on the live site's SQLite database."""

    def query(statement, *params):
        with sqlite3.connect(f"file:{live_site.database}?mode=ro", uri=True) as db:
            return db.execute(statement, params).fetchall()

    return query


@pytest.fixture(scope="session")
def staff_accounts(live_site):
    """An instructor and an admin, made with the project's own command."""
    accounts = {"instructor": "e2e-instructor", "admin": "e2e-admin"}
    for role, username in accounts.items():
        live_site.manage("create_user", username, "--password", PASSWORD, "--role", role)
    return accounts


@pytest.fixture(scope="session")
def course(live_site):
    """The lesson the journeys use: the first published lesson with a published quiz and
    glossary links, read from the database so content edits don't break the suite."""
    with sqlite3.connect(f"file:{live_site.database}?mode=ro", uri=True) as db:
        rows = db.execute(
            """
            SELECT l.slug, l.title, q.slug, q.title, q.id
            FROM lessons_lesson l JOIN quizzes_quiz q ON q.lesson_id = l.id
            WHERE l.published AND q.published AND l.linked_html LIKE '%class="term"%'
              AND (SELECT count(*) FROM quizzes_question x WHERE x.quiz_id = q.id) >= 3
            ORDER BY l."order", q.id
            """
        ).fetchall()
    assert rows, "no published lesson with a quiz and glossary links"
    lesson_slug, lesson_title, quiz_slug, quiz_title, quiz_id = rows[0]
    return {
        "lesson": lesson_slug,
        "lesson_title": lesson_title,
        "lesson_url": f"/lessons/{lesson_slug}/",
        "quiz": quiz_slug,
        "quiz_title": quiz_title,
        "quiz_url": f"/quizzes/{quiz_slug}/",
        "quiz_id": quiz_id,
    }


@pytest.fixture(scope="package")
def instructor_cookies(browser, live_site, staff_accounts):
    """Cookies of a logged-in instructor, to skip the log-in form where it isn't the subject."""
    from tests.e2e.support import log_in

    context = browser.new_context(base_url=live_site.url)
    try:
        log_in(context.new_page(), staff_accounts["instructor"], PASSWORD)
        return context.cookies()
    finally:
        context.close()


@pytest.fixture(scope="package")
def student_history(browser, live_site, course):
    """An anonymous student who has finished the course quiz (one answer, one miss): their
    cookies and the summary's address."""
    from tests.e2e.quiz_steps import answer_by_mouse, card_ids, load_question

    def sql(statement, *params):
        with sqlite3.connect(f"file:{live_site.database}?mode=ro", uri=True) as db:
            return db.execute(statement, params).fetchall()

    context = browser.new_context(base_url=live_site.url)
    try:
        page = context.new_page()
        page.goto(course["quiz_url"])
        page.get_by_role("button", name=re.compile("^Start")).first.click()
        question = load_question(sql, card_ids(page)[0])
        answer_by_mouse(page, question, correct=False)
        expect(page.locator(f"#q-{question.id}.is-answered")).to_be_visible()
        page.get_by_role("button", name="Finish and see my score").click()
        expect(page).to_have_url(re.compile(r"/attempts/\d+/summary/$"))
        return {"cookies": context.cookies(), "summary_url": page.url}
    finally:
        context.close()


@pytest.fixture(scope="package")
def seeded_class(browser, live_site):
    """A class of 12 made-up students with work done (`manage.py seed_class`), and its
    teacher's cookies: for the gradebook's screenshot and the class pages' accessibility."""
    from tests.e2e.support import log_in

    teacher = "e2e-class-teacher"
    out = live_site.manage(
        "seed_class", "--students", "12", "--assignments", "6", "--teacher", teacher,
        "--password", PASSWORD,
    )  # fmt: skip
    class_id = int(out.strip().splitlines()[-1])
    context = browser.new_context(base_url=live_site.url)
    try:
        log_in(context.new_page(), teacher, PASSWORD)
        return {"id": class_id, "url": f"/classes/{class_id}/", "cookies": context.cookies()}
    finally:
        context.close()
