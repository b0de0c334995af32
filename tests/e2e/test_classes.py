"""Issue 17, item 7, in a real browser: an instructor creates a class; a student joins with
the code; the instructor assigns a quiz with feedback deferred until the attempt is finished;
the student takes it and sees no correctness until finishing; the instructor sees the grade.
Screenshots of the new pages go to docs/screenshots/ (class-*, gradebook-*, deferred-*)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE
from tests.e2e.quiz_steps import answer_by_mouse, card_ids, load_question
from tests.e2e.support import log_in
from tests.e2e.test_screenshots import SCREENSHOTS, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.live]

NO_VERDICT = re.compile(r"Correct|Incorrect|Partly|Right answer|✓|✗|◐")


def both_widths(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.mouse.move(0, 0)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        shoot(page, name)
    page.set_viewport_size(DESKTOP)


def test_a_class_from_creation_to_grade(new_context, live_site, staff_accounts, course, sql):
    name = f"Physiology {uuid.uuid4().hex[:6]}"
    student_name = f"e2e-student-{uuid.uuid4().hex[:6]}"
    live_site.manage("create_user", student_name, "--password", PASSWORD, "--role", "student")

    # The instructor creates a class and reads its join code.
    teacher = new_context(device_scale_factor=1).new_page()
    log_in(teacher, staff_accounts["instructor"], PASSWORD)
    teacher.get_by_role("link", name="Classes", exact=True).first.click()
    teacher.get_by_role("link", name="New class").click()
    teacher.get_by_label("Class name").fill(name)
    teacher.get_by_role("button", name="Create the class").click()
    expect(teacher.locator("h1")).to_have_text(name)
    code = teacher.locator(".join-code").inner_text().strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6,8}", code), code

    # The student joins with the code (typed in lower case, with a space).
    student = new_context(device_scale_factor=1).new_page()
    log_in(student, student_name, PASSWORD)
    student.goto("/classes/")
    student.get_by_label("Join code").fill(f"{code[:3].lower()} {code[3:]}")
    student.get_by_role("button", name="Join a class").click()
    expect(student.locator("h1")).to_have_text(name)
    expect(student.locator(".messages")).to_contain_text("You joined")

    # The instructor assigns the quiz, feedback deferred until the attempt is finished.
    teacher.reload()
    expect(teacher.get_by_role("row").filter(has_text=student_name)).to_be_visible()
    teacher.get_by_role("link", name="Assign a lesson or quiz").click()
    expect(teacher.locator(".notice")).to_contain_text("UTC")
    teacher.get_by_label("What to assign").select_option(label=course["quiz_title"])
    teacher.get_by_label("Due").fill("2030-01-10T17:00")
    teacher.get_by_label("Show feedback").select_option(label="When the attempt is finished")
    teacher.get_by_label("Attempts allowed").select_option(label="2")
    both_widths(teacher, "assignment-form")
    teacher.get_by_role("button", name="Assign", exact=True).click()
    expect(teacher.locator(".messages")).to_contain_text("Assigned")
    expect(teacher.get_by_role("cell", name="When the attempt is finished")).to_be_visible()

    # The student sees it assigned, takes the quiz and sees no verdict until finishing.
    student.goto("/")
    assigned = student.locator("#assigned")
    expect(assigned).to_contain_text(course["quiz_title"])
    expect(assigned).to_contain_text("Due")
    student.goto(course["quiz_url"])
    student.get_by_role("button", name=re.compile("^Start")).first.click()
    expect(student.locator(".notice")).to_contain_text("when you finish the attempt")
    ids = card_ids(student)
    for number, question_id in enumerate(ids[:3]):
        question = load_question(sql, question_id)
        answer_by_mouse(student, question, correct=number != 1)
        card = student.locator(f"#q-{question_id}")
        expect(card).to_contain_text("Answer saved.")
        expect(student.locator("#quiz-announcer")).to_contain_text("answer saved")
        assert not NO_VERDICT.search(card.inner_text()), card.inner_text()
    assert not NO_VERDICT.search(student.locator("main").inner_text())
    student.locator(f"#q-{ids[0]}").scroll_into_view_if_needed()
    both_widths(student, "deferred")
    student.get_by_role("button", name="Finish the attempt").click()
    expect(student.locator("h1")).to_contain_text("You scored")
    expect(student.locator("main")).to_contain_text("Right answer")
    (percent,) = re.search(r"You scored (\d+)%", student.locator("h1").inner_text()).groups()

    # The instructor sees the grade in the gradebook, and the answers on the student's page.
    teacher.get_by_role("link", name="Gradebook", exact=True).click()
    row = teacher.get_by_role("row").filter(has_text=student_name)
    expect(row).to_contain_text(f"{percent}%")
    expect(row).to_contain_text("1 att.")
    teacher.get_by_role("link", name=student_name).click()
    expect(teacher.locator("main")).to_contain_text("Answer given:")
    teacher.get_by_role("link", name=name).first.click()
    both_widths(teacher, "class")

    # axe-core on the student's side, in contexts that may inject it (the journey above ran
    # under the real CSP): their class, what is assigned, a deferred answer (second attempt).
    from tests.e2e.test_accessibility import accessibility_failures

    failures = []
    for scheme in ("light", "dark"):
        page = new_context(bypass_csp=True, color_scheme=scheme).new_page()
        page.context.add_cookies(student.context.cookies())
        page.goto("/classes/assigned/")
        failures += accessibility_failures(page, "assigned", scheme)
        page.goto("/classes/")
        page.get_by_role("link", name=name).click()
        failures += accessibility_failures(page, "class (student)", scheme)
        page.goto("/classes/join/")
        failures += accessibility_failures(page, "join", scheme)
        if scheme == "light":
            page.goto(course["quiz_url"])
            page.get_by_role("button", name=re.compile("^Start")).first.click()
            question = load_question(sql, card_ids(page)[0])
            answer_by_mouse(page, question, correct=True)
            expect(page.locator(f"#q-{question.id}")).to_contain_text("Answer saved.")
            failures += accessibility_failures(page, "attempt (deferred)", scheme)
    assert not failures, "\n".join(failures)


def test_gradebook_screenshot(new_context, seeded_class):
    page = new_context(device_scale_factor=1).new_page()
    page.context.add_cookies(seeded_class["cookies"])
    page.goto(f"{seeded_class['url']}gradebook/")
    expect(page.locator(".gradebook tbody tr")).to_have_count(12)
    both_widths(page, "gradebook")
