"""Students in a real browser: read, look up terms, take a quiz by keyboard alone and with
JavaScript off, and keep their progress when they sign up."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.quiz_steps import (
    answer_by_keyboard,
    answer_by_mouse,
    assert_feedback,
    card_ids,
    load_question,
)
from tests.e2e.support import tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.live]

ATTEMPT_URL = re.compile(r"/attempts/(\d+)/$")


def progress_text(page):
    return page.locator("#quiz-progress .progress-count")


def test_student_reads_looks_up_terms_and_takes_the_quiz_by_keyboard(page, course, sql):
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    page.get_by_role("link", name=course["lesson_title"], exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(course["lesson_url"]) + "$"))
    expect(page.locator("h1")).to_have_text(course["lesson_title"])
    assert "{#" not in page.locator("body").inner_text(), "a template comment leaked"

    # A glossary popover by hover...
    ref = page.locator(".lesson-body .term-ref").filter(visible=True).first
    term, tip = ref.locator("a.term"), ref.locator(".term-tip")
    expect(tip).to_be_hidden()
    term.hover()
    expect(tip).to_be_visible()
    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()

    # ...and by keyboard: Tab to the first term link, its popover shows; Escape hides it.
    page.locator("body").focus()
    tab_to(page, ".lesson-body a.term")
    focused_tip = page.locator(".lesson-body .term-ref:focus-within .term-tip")
    expect(focused_tip).to_be_visible()
    expect(focused_tip.locator("strong")).not_to_be_empty()
    page.keyboard.press("Escape")
    expect(focused_tip).to_be_hidden()
    assert page.evaluate("document.activeElement.matches('a.term')"), "Escape moved focus"

    # The quiz, from the lesson, with the keyboard only.
    # Lesson 1 now links many terms and later lessons: more tab stops than tab_to's default.
    tab_to(page, f'a[href="{course["quiz_url"]}"]', limit=300)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(course["quiz_url"]) + "$"))
    # The public intro page loads its Start form (which carries a CSRF token) with htmx.
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    tab_to(page, "button", "Start the quiz")
    page.keyboard.press("Enter")
    expect(page).to_have_url(ATTEMPT_URL)
    first_attempt = int(ATTEMPT_URL.search(page.url).group(1))

    ids = card_ids(page)
    total = len(ids)
    announcer = page.locator("#quiz-announcer")
    expect(progress_text(page)).to_have_text(f"0 of {total} answered")
    expect(announcer).to_have_text("")

    # Sending a card with nothing chosen explains what is missing, as an alert in the card.
    tab_to(page, f"#q-{ids[0]} button[type=submit]")
    page.keyboard.press("Enter")
    error = page.locator(f"#q-{ids[0]} .form-error[role=alert]")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"Choose|Type|Enter|Match"))
    expect(progress_text(page)).to_have_text(f"0 of {total} answered")
    # htmx moves focus once the swap settles, a moment after the message appears; expect()
    # retries until then (wait_for_function would need eval, which the site's CSP forbids).
    expect(page.locator(f"#q-{ids[0]} :focus")).to_have_count(1)

    for number, question_id in enumerate(ids, start=1):
        question = load_question(sql, question_id)
        correct = number % 2 == 1  # right, wrong, right, ...
        answer_by_keyboard(page, question, correct)
        verdict = "correct" if correct else "incorrect"
        # Heard: the live region speaks the verdict. Seen: symbol and word on the card.
        expect(announcer).to_have_text(
            f"Question {number}: {verdict}. {number} of {total} answered."
        )
        assert_feedback(page, question, correct)
        expect(progress_text(page)).to_have_text(f"{number} of {total} answered")
        expect(page.locator("#quiz-progress progress")).to_have_attribute("value", str(number))
        # Focus lands on the answered card, so the next Tab continues from there.
        expect(page.locator(f"#q-{question_id} :focus")).to_have_count(1)

    tab_to(page, "button", "Finish and see my score")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/attempts/{first_attempt}/summary/$"))
    right = (total + 1) // 2
    expect(page.locator("h1")).to_have_text(f"You scored {round(100 * right / total)}%")
    expect(page.locator(".summary-item")).to_have_count(total)

    tab_to(page, "button", "Try again")
    page.keyboard.press("Enter")
    expect(page).to_have_url(ATTEMPT_URL)
    assert int(ATTEMPT_URL.search(page.url).group(1)) != first_attempt
    expect(progress_text(page)).to_have_text(f"0 of {total} answered")
    expect(page.locator("section.question-card.is-answered")).to_have_count(0)


def test_quiz_works_with_javascript_off(new_context, course, sql):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(course["quiz_url"])
    # Without JavaScript the public intro page links to the private page with the Start form.
    page.get_by_role("link", name="Start the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(ATTEMPT_URL)
    attempt_id = int(ATTEMPT_URL.search(page.url).group(1))
    ids = card_ids(page)
    total = len(ids)

    for number, question_id in enumerate(ids[:3], start=1):
        question = load_question(sql, question_id)
        correct = number != 2
        answer_by_mouse(page, question, correct)
        # POST, then redirect back to the page, scrolled to the answered card.
        expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/#q-{question_id}$"))
        assert_feedback(page, question, correct)
        expect(progress_text(page)).to_have_text(f"{number} of {total} answered")

    # A card sent with nothing chosen comes back with a message, not an error page.
    unanswered = page.locator("section.question-card:not(.is-answered)").first
    if unanswered.locator("input[type=radio], input[type=checkbox]").count():
        unanswered.get_by_role("button", name=re.compile("^Check answer")).click()
        expect(page.locator(".form-error")).to_contain_text("Choose")

    page.get_by_role("button", name="Finish and see my score").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/summary/$"))
    expect(page.locator("h1")).to_have_text(f"You scored {round(100 * 2 / total)}%")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    (saved,) = sql("SELECT count(*) FROM quizzes_response WHERE attempt_id = ?", attempt_id)[0]
    assert saved == 3


def test_anonymous_progress_survives_sign_up(page, course, sql):
    page.goto(course["lesson_url"])
    # The public lesson page holds a link (no CSRF token); site.js fetches the form and sends it.
    page.get_by_role("link", name="Mark this lesson complete").click()
    expect(page.locator("#complete-control")).to_contain_text("You marked this lesson complete")
    expect(page.locator("#complete-control [role=status]")).to_have_text("Lesson marked complete.")
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_focused()

    page.goto(course["quiz_url"])
    page.get_by_role("button", name="Start the quiz").click()
    attempt_id = int(ATTEMPT_URL.search(page.url).group(1))
    first = load_question(sql, card_ids(page)[0])
    answer_by_mouse(page, first, correct=True)
    assert_feedback(page, first, correct=True)
    page.get_by_role("button", name="Finish and see my score").click()
    expect(page.locator("h1")).to_contain_text("You scored")

    page.goto("/accounts/signup/")
    username = f"e2e-student-{attempt_id}"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(re.compile(r"/progress/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome")
    row = page.locator(".progress-table tbody tr").filter(
        has=page.get_by_role("link", name=re.compile(re.escape(course["lesson_title"])))
    )
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_contain_text("Complete")
    expect(row.locator("td").nth(2)).not_to_have_text("–")  # best score of the attempt
    expect(row.get_by_role("link", name=re.compile("^Retake"))).to_be_visible()

    (user_id,) = sql("SELECT id FROM auth_user WHERE username = ?", username)[0]
    assert sql("SELECT user_id FROM quizzes_attempt WHERE id = ?", attempt_id) == [(user_id,)]
    completions = sql(
        "SELECT count(*) FROM progress_lessoncompletion c JOIN lessons_lesson l "
        "ON l.id = c.lesson_id WHERE c.user_id = ? AND l.slug = ?",
        user_id,
        course["lesson"],
    )
    assert completions == [(1,)]


def test_flashcards_by_keyboard(page):
    page.goto("/review/cards/")
    first = page.locator("#card-term").inner_text()
    tab_to(page, "a.button", "Show the answer")
    page.keyboard.press("Enter")
    expect(page.locator(".card-answer")).not_to_be_empty()
    # Focus stays in the card after the swap, so the ratings are a Tab or two away.
    expect(page.locator("#flashcard :focus")).to_have_count(1)
    tab_to(page, "button[value=good]")  # its text also says when the card comes back
    page.keyboard.press("Enter")
    expect(page.locator("#card-term")).not_to_have_text(first)
    expect(page.locator("#flashcard :focus")).to_have_count(1)
