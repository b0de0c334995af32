"""The hostile corpus through every Markdown field, via the content loader and the admin:
no rendered page contains anything executable."""

import re

import yaml
from django.urls import reverse

from stressed.content.loader import load_content
from stressed.quizzes.models import Question, Quiz
from tests.content.test_loader import GLOSSARY, LESSON, QUIZ, write_tree
from tests.hostile import HOSTILE, HOSTILE_TEXT, executable_bits
from tests.quiz_helpers import start

MAIN = re.compile(r'<main id="main".*?</main>', re.S)


def main_of(response):
    assert response.status_code in (200, 302), response.status_code
    return MAIN.search(response.content.decode()).group(0)


def hostile_tree(root):
    glossary = yaml.safe_load(GLOSSARY)
    glossary[0]["definition"] = HOSTILE_TEXT
    glossary[0]["short"] = "<script>alert(1)</script> short"
    quiz = yaml.safe_load(QUIZ)
    quiz["intro"] = HOSTILE_TEXT
    single = quiz["questions"][0]
    single["prompt"] = HOSTILE_TEXT
    single["explanation"] = HOSTILE_TEXT
    for choice in single["choices"]:
        choice["text"] = '<img src=x onerror=alert(1)> option <a href="javascript:alert(1)">x</a>'
        choice["feedback"] = HOSTILE_TEXT
    # The loader already refuses images without alt text or from outside /static/, so the
    # lesson gets the rest of the corpus.
    no_images = "\n\n".join(item for item in HOSTILE if "<img" not in item and "![" not in item)
    lesson = LESSON.replace("Body text.", no_images).replace(
        "A short summary.", '"<script>alert(1)</script>"'
    )
    return write_tree(
        root, lesson=lesson, glossary=yaml.safe_dump(glossary), quiz=yaml.safe_dump(quiz)
    )


def test_hostile_content_files_render_nothing_executable(tmp_path, client, db):
    load_content(hostile_tree(tmp_path / "content"))
    quiz = Quiz.objects.get(slug="test-quiz")
    pages = [
        client.get("/"),
        client.get("/lessons/test-lesson/"),
        client.get("/glossary/"),
        client.get("/glossary/test-term/"),
        client.get(quiz.get_absolute_url()),
    ]
    attempt_id = start(client, quiz)
    pages.append(client.get(reverse("attempt", args=[attempt_id])))
    question = quiz.questions.get(order=1)
    wrong = question.choices.get(fraction=0)
    from stressed.quizzes.grading import option_token

    pages.append(
        client.post(
            reverse("answer", args=[attempt_id, question.pk]),
            {"choice": option_token(attempt_id, wrong.pk)},
            HTTP_HX_REQUEST="true",
        )
    )
    client.post(reverse("attempt-finish", args=[attempt_id]))
    pages.append(client.get(reverse("attempt-summary", args=[attempt_id])))
    for response in pages:
        html = response.content.decode()
        body = MAIN.search(html).group(0) if "<main" in html else html
        assert executable_bits(body) == [], response.request["PATH_INFO"]


def test_hostile_markdown_via_the_admin_renders_nothing_executable(client_as, quiz, make_term):
    client = client_as("superuser")
    lesson = quiz.lesson
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "order": 1,
        "published": "on",
        "last_reviewed": "2026-11-22",
        "summary": "S",
        "objectives": "a\nb\nc",
        "key_points": "",
        "body": HOSTILE_TEXT,
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert executable_bits(main_of(client.get(lesson.get_absolute_url()))) == []

    term = make_term()
    data = {
        "name": term.name,
        "slug": term.slug,
        "category": "transmitter",
        "short": "Short.",
        "definition": HOSTILE_TEXT,
        "aliases": "",
        "references": "",
    }
    assert (
        client.post(reverse("admin:glossary_term_change", args=[term.pk]), data).status_code == 302
    )
    assert executable_bits(main_of(client.get(term.get_absolute_url()))) == []

    question = quiz.questions.get(order=1)
    choices = list(question.choices.all())
    data = {
        "quiz": quiz.pk,
        "order": 1,
        "type": "single",
        "title": "",
        "prompt": HOSTILE_TEXT,
        "explanation": HOSTILE_TEXT,
        "review_anchor": "first",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
    }
    for index, choice in enumerate(choices):
        data.update(
            {
                f"choices-{index}-id": choice.pk,
                f"choices-{index}-question": question.pk,
                f"choices-{index}-order": index,
                f"choices-{index}-fraction": choice.fraction,
                f"choices-{index}-text": "<svg onload=alert(1)> opt",
                f"choices-{index}-feedback": HOSTILE_TEXT,
            }
        )
    response = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Question.objects.get(pk=question.pk).prompt == HOSTILE_TEXT
    client.logout()
    attempt_id = start(client, quiz)
    assert executable_bits(main_of(client.get(reverse("attempt", args=[attempt_id])))) == []
    wrong = next(c for c in choices if c.fraction == 0)
    from stressed.quizzes.grading import option_token

    feedback = client.post(
        reverse("answer", args=[attempt_id, question.pk]),
        {"choice": option_token(attempt_id, wrong.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert executable_bits(feedback.content.decode()) == []


def test_hostile_gift_import_renders_nothing_executable(client, db):
    from stressed.quizzes.gift import import_gift_into_quiz

    raw = (
        "<script>alert(1)</script> <img src=x onerror=alert(1)> <a href='javascript:alert(1)'>x</a>"
    )
    evil = "".join("\\" + ch if ch in "=~#{}:" else ch for ch in raw)  # GIFT's escapes
    gift = (
        f"::Evil::[html]{evil} Which one?{{\n"
        f"  =[html]{evil} right#[html]{evil}\n"
        f"  ~[html]<svg onload\\=alert(1)>wrong#[html]{evil}\n"
        f"  ####[html]{evil}\n}}\n"
    )
    quiz, _result = import_gift_into_quiz(gift, None, title="Evil", slug="evil", source="evil.gift")
    quiz.published = True
    quiz.save()
    attempt_id = start(client, quiz)
    assert executable_bits(main_of(client.get(reverse("attempt", args=[attempt_id])))) == []
    question = quiz.questions.get()
    from stressed.quizzes.grading import option_token

    for choice in question.choices.all():
        assert "<script" not in choice.text_html and "onload" not in choice.text_html
    wrong = question.choices.get(fraction=0)
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]),
        {"choice": option_token(attempt_id, wrong.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert executable_bits(response.content.decode()) == []
