"""Instructors and admins in a real browser: author with live preview, import GIFT, preview
as a student, read statistics; edit a glossary term and see the lesson's popover change."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.live]

GIFT = """// A small quiz written in Moodle's GIFT format.
::Branches:: Which branch of the autonomic nervous system drives the fight-or-flight
response? {=sympathetic ~parasympathetic ~enteric}

::Catecholamine:: Norepinephrine is a catecholamine. {T}

::Transporter:: Name the transporter that clears released norepinephrine. {=NET
=norepinephrine transporter}
"""


def test_instructor_authors_imports_previews_and_reads_statistics(
    new_context, staff_accounts, course, sql, tmp_path
):
    page = new_context().new_page()
    log_in(page, staff_accounts["instructor"], PASSWORD)

    # Import a GIFT file as a new draft quiz.
    slug = f"e2e-gift-{uuid.uuid4().hex[:8]}"  # unique: the live database outlives a run
    gift = tmp_path / "branches.gift"
    gift.write_text(GIFT, encoding="utf-8")
    response = page.goto("/quizzes/import/")
    assert response.status == 200, f"/quizzes/import/ answered {response.status}"
    page.get_by_label("GIFT file").set_input_files(gift)
    page.get_by_label("Title").fill("Imported in the browser")
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Lesson").select_option(value=course["lesson"])
    page.get_by_role("button", name=re.compile("^Import")).click()
    expect(page).to_have_url(re.compile(r"/admin/quizzes/quiz/(\d+)/change/$"))
    quiz_id = int(re.search(r"/quiz/(\d+)/change/", page.url).group(1))
    assert sql("SELECT slug, published FROM quizzes_quiz WHERE id = ?", quiz_id) == [(slug, 0)]
    (imported,) = sql("SELECT count(*) FROM quizzes_question WHERE quiz_id = ?", quiz_id)[0]
    assert imported == 3

    # Write a question in the admin: the Markdown preview updates as the author types.
    page.goto(f"/admin/quizzes/question/add/?quiz={quiz_id}")
    prompt = page.locator("textarea[name=prompt]")
    preview = page.locator("textarea[name=prompt] ~ .markdownx-preview")
    with page.expect_response(re.compile(r"/markdownx/markdownify/$")) as markdownify:
        prompt.press_sequentially("Which nerve is the **main brake** on the heart?", delay=5)
    assert markdownify.value.status == 200
    expect(preview.locator("strong")).to_have_text("main brake")
    expect(preview.locator("p")).to_contain_text("Which nerve is the")
    page.get_by_label("Type").select_option("short")
    page.get_by_label("Order").first.fill("9")
    page.locator("#choices-group .add-row a").click()
    page.locator("textarea[name='choices-0-text']").fill("vagus")
    page.locator("input[name='choices-0-fraction']").fill("1")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    written = sql(
        "SELECT id, prompt_html FROM quizzes_question WHERE quiz_id = ? AND type = 'short' "
        "AND prompt LIKE '%main brake%'",
        quiz_id,
    )
    assert written and "<strong>main brake</strong>" in written[0][1]

    # On its change page the preview shows the saved Markdown and follows edits.
    page.goto(f"/admin/quizzes/question/{written[0][0]}/change/")
    expect(preview.locator("strong")).to_have_text("main brake")
    with page.expect_response(re.compile(r"/markdownx/markdownify/$")):
        prompt.press("Control+End")
        prompt.press_sequentially(" Name it, in *one* word.", delay=5)
    expect(preview.locator("em")).to_have_text("one")

    # Preview the draft as a student: answer one question and see the feedback.
    page.goto(f"/quizzes/{slug}/preview/")
    expect(page.locator("h1")).to_have_text("Imported in the browser")
    card = page.locator("section.question-card").filter(has_text="fight-or-flight").first
    card.get_by_label("sympathetic", exact=True).check()
    card.get_by_role("button", name=re.compile("^Check answer")).click()
    expect(card.locator(".verdict strong")).to_have_text("Correct")
    expect(page.locator("#quiz-announcer")).to_contain_text("correct")
    (stored,) = sql("SELECT count(*) FROM quizzes_attempt WHERE quiz_id = ?", quiz_id)[0]
    assert stored == 0, "a preview must not record attempts"

    # Per-question statistics for the course quiz.
    response = page.goto(f"{course['quiz_url']}statistics/")
    assert response.status == 200, f"statistics answered {response.status}"
    expect(page.locator("h1")).to_contain_text(course["quiz_title"])
    expect(page.locator("main")).to_contain_text(re.compile("question", re.I))


def test_admin_edits_a_glossary_term_and_the_lesson_popover_follows(
    new_context, staff_accounts, course, sql, live_site
):
    # The lesson as an anonymous visitor sees it (and as the page cache stores it).
    (term_slug, term_id) = sql(
        "SELECT t.slug, t.id FROM glossary_term t JOIN glossary_occurrence o ON o.term_id = t.id "
        "JOIN lessons_lesson l ON l.id = o.lesson_id WHERE l.slug = ? "
        "ORDER BY t.slug = 'norepinephrine' DESC, o.position LIMIT 1",
        course["lesson"],
    )[0]
    visitor = new_context().new_page()
    for _ in range(4):  # warm every server worker's cache with the old page
        visitor.goto(course["lesson_url"])
    old = term_ref(visitor, term_slug).locator(".term-tip").inner_text()

    ((old_short,),) = sql("SELECT short FROM glossary_term WHERE id = ?", term_id)
    try:
        edit_term_and_check_popover(
            new_context, staff_accounts, course, sql, term_slug, term_id, old
        )
    finally:  # leave the shared live site as the other tests expect it
        live_site.manage("shell", "-c", RESTORE_TERM.format(pk=term_id, short=old_short))


def term_ref(page, slug):
    """The first visible glossary link to `slug` in the lesson, with its popover."""
    link = page.locator(f"a.term[href$='/glossary/{slug}/']")
    return page.locator(".lesson-body .term-ref").filter(visible=True, has=link).first


RESTORE_TERM = """
from stressed.glossary.models import Term
term = Term.objects.get(pk={pk})
term.short, term.edited_in_admin = {short!r}, False
term.save()
"""


def edit_term_and_check_popover(new_context, staff_accounts, course, sql, term_slug, term_id, old):
    admin = new_context().new_page()
    log_in(admin, staff_accounts["admin"], PASSWORD)
    admin.goto(f"/admin/glossary/term/{term_id}/change/")
    new_short = f"Edited in the browser ({uuid.uuid4().hex[:6]}): a new short definition."
    admin.get_by_label("Short").fill(new_short)
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    assert sql("SELECT short FROM glossary_term WHERE id = ?", term_id) == [(new_short,)]

    for _ in range(3):  # whichever worker answers, the page is the new one
        fresh = new_context().new_page()
        fresh.goto(course["lesson_url"])
        ref = term_ref(fresh, term_slug)
        ref.locator("a.term").hover()
        popover = ref.locator(".term-tip")
        expect(popover).to_be_visible()
        expect(popover).to_contain_text(new_short)
        assert old != popover.inner_text()
        fresh.context.close()
