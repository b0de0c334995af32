"""Lessons print as clean handouts, whatever colour scheme the screen uses."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.live]


def test_lesson_prints_as_a_clean_black_on_white_handout(new_context, course, tmp_path):
    page = new_context(color_scheme="dark").new_page()
    page.goto(course["lesson_url"])
    page.emulate_media(media="print")
    look = page.evaluate(
        """() => {
            const shown = s => [...document.querySelectorAll(s)].some(e => e.checkVisibility());
            const body = getComputedStyle(document.body);
            return {
                header: shown('.site-header'), toc: shown('.toc'), pager: shown('.pager'),
                buttons: shown('main .button'), tips: shown('.term-tip'),
                background: body.backgroundColor, color: body.color,
                title: shown('h1'), references: shown('.references'),
                figureText: [...document.querySelectorAll('.lesson-body details')]
                    .every(d => [...d.children].every(c => c.tagName === 'SUMMARY'
                        || c.checkVisibility())),
            };
        }"""
    )
    assert look["title"] and look["references"]
    assert not any(look[k] for k in ("header", "toc", "pager", "buttons", "tips")), look
    assert look["background"] == "rgb(255, 255, 255)" and look["color"] == "rgb(0, 0, 0)"
    assert look["figureText"], "text descriptions of figures should print open"
    pdf = tmp_path / "lesson.pdf"
    page.pdf(path=pdf, format="A4")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
