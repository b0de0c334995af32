"""The hostile corpus through every Markdown field, via the content loader and the admin:
no rendered page contains anything executable. Then hostile sizes and shapes (issue 21):
pathological Markdown renders in bounded work, hostile content files change nothing and are
reported as `path:line`, and abuse of the admin's forms is a form error, never a 500."""

import re
import time

import pytest
import yaml
from django.urls import reverse

from stressed.content.errors import ContentError
from stressed.content.loader import load_content
from stressed.markdown import (
    MAX_DOCUMENT_LENGTH,
    MAX_FRAGMENT_LENGTH,
    MAX_NESTING,
    render,
    render_document,
)
from stressed.quizzes.models import Question, Quiz
from tests.content.test_loader import GLOSSARY, LESSON, QUIZ, snapshot, write_tree
from tests.hostile import HOSTILE, HOSTILE_TEXT, executable_bits
from tests.quiz_helpers import start, token

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
    for n, choice in enumerate(single["choices"]):
        # Distinct texts: duplicate options are an item-writing error.
        choice["text"] = (
            f'<img src=x onerror=alert(1)> option {n} <a href="javascript:alert(1)">x</a>'
        )
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
    pages.append(
        client.post(
            reverse("answer", args=[attempt_id, question.pk]),
            {"choice": token(attempt_id, wrong)},
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
        "review_anchor": "",  # the hostile body above has no headings left to review
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
                f"choices-{index}-text": f"<svg onload=alert(1)> opt {index}",
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
    feedback = client.post(
        reverse("answer", args=[attempt_id, question.pk]),
        {"choice": token(attempt_id, wrong)},
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
    for choice in question.choices.all():
        assert "<script" not in choice.text_html and "onload" not in choice.text_html
    wrong = question.choices.get(fraction=0)
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]),
        {"choice": token(attempt_id, wrong)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert executable_bits(response.content.decode()) == []


# Issue 21: hostile sizes and shapes (denial of service), not only hostile markup. ----------


def timed_render(text):
    start = time.perf_counter()
    html = render(text)
    print(f"rendered {len(text):,} characters in {time.perf_counter() - start:.3f} s")
    return html


def test_unclosed_brackets_render_verbatim_and_stop_the_link_search():
    # Python-Markdown scans from every "[" to the end of the paragraph: 20,000 took 40 s.
    html = timed_render("[" * 20_000)
    assert html == "<p>" + "[" * 20_000 + "</p>"
    # The scans share a budget proportional to the text; once a pathological run has used it
    # up, later brackets stay literal instead of being searched again.
    html = timed_render("[" * 20_000 + " [a link](/x)")
    assert "<a " not in html and html.endswith("[a link](/x)</p>")
    # Ordinary text keeps its links, images and footnotes.
    html = render("See [the lesson](/lessons/x/) and ![a map](/static/m.svg)[^1].\n\n[^1]: Note.")
    assert '<a href="/lessons/x/"' in html and '<img alt="a map" src="/static/m.svg"' in html
    assert 'class="footnote-ref"' in html


@pytest.mark.parametrize(
    ("opener", "trailer", "tag"),
    [
        ("[^", " [a link](/x)", "<a "),
        ("[a](", " [a link](/x)", "<a "),
        ("![", " ![an image](/static/x.png)", "<img"),
    ],
)
def test_other_unclosed_link_openers_are_bounded(opener, trailer, tag):
    html = timed_render(opener * 10_000 + trailer)
    assert tag not in html  # the budget ran out: the trailer stays literal text


def test_unclosed_html_tags_are_escaped_after_twenty():
    # The HTML parser Markdown feeds the text to rescans from each unclosed "<tag" to the next
    # ">"; after 20 in a row they become text.
    html = timed_render("<a " * 5_000)
    assert html.count("&lt;a") >= 5_000 - 20
    assert render("a <b>bold</b> and <i>it</i> and x<y") == (
        "<p>a <b>bold</b> and <i>it</i> and x&lt;y</p>"
    )


@pytest.mark.parametrize("marker", ["1. ", "- ", "> ", "* 1) "])
def test_deep_nesting_on_one_line_is_cut_at_ten_levels(marker):
    # "1. " * 5000 used to recurse until Python raised RecursionError (a 500).
    html = timed_render(marker * 5_000 + "x")
    tags = html.count("<ol>") + html.count("<ul>") + html.count("<blockquote>")
    assert 1 <= tags <= MAX_NESTING * 2


def test_markdown_over_the_limit_is_not_rendered():
    html = render_document("*" * (MAX_DOCUMENT_LENGTH + 1)).html
    assert "limit is 50,000" in html and "<em>" not in html


def test_markdownx_preview_of_hostile_input_answers(client_as):
    client = client_as("instructor")
    response = client.post("/markdownx/markdownify/", {"content": "[" * 40_000})
    assert response.status_code == 200
    assert response.content.decode() == "<p>" + "[" * 40_000 + "</p>"


# The content loader: hostile files change nothing and are reported as path:line. ----------

BILLION_LAUGHS = "".join(
    [
        '- a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n',
        *(
            f"  {name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
            for prev, name in zip("abcde", "bcdef", strict=True)
        ),
    ]
)
NUMERIC_QUESTION = """\
  - key: how-many
    type: numeric
    prompt: How many?
    review: first
    explanation: Ten.
    answers:
      - {value: .inf, fraction: 1}
"""


MORE_QUESTIONS = """\
  - key: more-{}
    type: truefalse
    prompt: True?
    review: first
    explanation: Yes.
    answer: true
"""


def hostile_case(name):
    """(file to write, its bytes, the expected `path:line: message`) for each case."""
    glossary, lesson, quiz = (
        "glossary/terms.yaml",
        "lessons/01-test-lesson.md",
        ("quizzes/test-lesson.yaml"),
    )
    cases = {
        "billion laughs": (
            glossary,
            (GLOSSARY + BILLION_LAUGHS).encode(),
            f"content/{glossary}:9: YAML anchors and aliases are not allowed",
        ),
        "alias": (
            quiz,
            QUIZ.replace("title: Test quiz", "title: &t Test quiz\nintro: *t").encode(),
            f"content/{quiz}:3: YAML anchors and aliases are not allowed",
        ),
        "deep": (
            quiz,
            (QUIZ + "intro: " + "[" * 5_000 + "]" * 5_000 + "\n").encode(),
            f"content/{quiz}:20: YAML nested more than 20 levels deep",
        ),
        "latin-1": (
            glossary,
            GLOSSARY.replace("A term used", "A térm used").encode("latin-1"),
            f"content/{glossary}:5: not valid UTF-8",
        ),
        "utf-16 lesson": (
            lesson,
            LESSON.encode("utf-16"),
            f"content/{lesson}:1: not valid UTF-8 (the file is UTF-16)",
        ),
        "utf-16 quiz": (
            quiz,
            QUIZ.encode("utf-16"),
            f"content/{quiz}:1: not valid UTF-8 (the file is UTF-16)",
        ),
        "huge order": (
            lesson,
            LESSON.replace("order: 1", "order: 99999999999999999999").encode(),
            f"content/{lesson}:4: 'order' must be between 0 and 2,147,483,647",
        ),
        "enormous order": (
            lesson,
            LESSON.replace("order: 1", "order: " + "9" * 5_000).encode(),
            f"content/{lesson}:4: number too large",
        ),
        "impossible date": (
            lesson,
            LESSON.replace("2026-11-22", "2026-02-30").encode(),
            f"content/{lesson}:17: invalid value '2026-02-30'",
        ),
        "infinite value": (
            quiz,
            (QUIZ + NUMERIC_QUESTION).encode(),
            f"content/{quiz}:26: 'value' must be a finite number",
        ),
        "long prompt": (
            quiz,
            QUIZ.replace("prompt: Which?", "prompt: " + "x" * (MAX_FRAGMENT_LENGTH + 1)).encode(),
            f"content/{quiz}:8: 'prompt' is 20,001 characters; the limit is 20,000",
        ),
        "many questions": (
            quiz,
            (QUIZ + "".join(MORE_QUESTIONS.format(i) for i in range(100))).encode(),
            f"content/{quiz}:1: a quiz has at most 100 questions; this one has 102",
        ),
        "long body": (
            lesson,
            (LESSON + "x" * MAX_DOCUMENT_LENGTH).encode(),
            f"content/{lesson}:20: the lesson body is 50,",
        ),
    }
    return cases[name]


CASES = [
    "billion laughs",
    "alias",
    "deep",
    "latin-1",
    "utf-16 lesson",
    "utf-16 quiz",
    "huge order",
    "enormous order",
    "impossible date",
    "infinite value",
    "long prompt",
    "many questions",
    "long body",
]


@pytest.mark.parametrize("name", CASES)
def test_hostile_content_file_changes_nothing_and_names_the_line(tmp_path, db, name):
    root = write_tree(tmp_path / "content")
    load_content(root)
    before = snapshot()
    relative, data, expected = hostile_case(name)
    (root / relative).write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(ContentError) as error:
        load_content(root)
    print(f"{name}: refused in {time.perf_counter() - start:.3f} s")
    assert expected in str(error.value), str(error.value)
    assert snapshot() == before


def test_gift_import_refuses_what_the_admin_could_not_edit(db):
    from stressed.quizzes.gift import import_gift_into_quiz

    long = "::Long:: " + "x" * (MAX_FRAGMENT_LENGTH + 1) + " {=right ~wrong}\n"
    wide = "::Wide:: Which? {=right " + " ".join(f"~wrong{i}" for i in range(51)) + "}\n"
    many = "\n".join(f"::Q{i}:: True? {{T}}\n" for i in range(101))
    for gift, message in [
        (long, 'long.gift:1: question "Long": the prompt is 20,0'),
        (wide, "a question has at most 50 options; this one has 52"),
        (many, "long.gift:1: a quiz has at most 100 questions; this file has 101"),
    ]:
        with pytest.raises(ContentError, match=re.escape(message)):
            import_gift_into_quiz(gift, None, title="Long", slug="long", source="long.gift")
    assert not Quiz.objects.filter(slug="long").exists()


# The admin: abuse gives form errors, never a 500. ------------------------------------------

HUGE_ID = "99999999999999999999"


def lesson_form(lesson, **extra):
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "order": 1,
        "published": "on",
        "last_reviewed": "2026-11-22",
        "summary": "S",
        "objectives": "a\nb\nc",
        "key_points": "",
        "body": "Body.",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_admin_refuses_ids_too_large_for_the_database(client_as, make_lesson, make_term):
    client = client_as("superuser")
    lesson = make_lesson()
    response = client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        lesson_form(lesson, key_terms=[HUGE_ID]),
    )
    assert response.status_code == 200
    assert f"“{HUGE_ID}” is not a valid value" in response.content.decode()

    term = make_term()
    data = {
        "name": term.name,
        "slug": term.slug,
        "category": "transmitter",
        "short": "Short.",
        "definition": "D.",
        "related": [HUGE_ID],
    }
    response = client.post(reverse("admin:glossary_term_change", args=[term.pk]), data)
    assert response.status_code == 200
    assert f"“{HUGE_ID}” is not a valid value" in response.content.decode()

    response = client.post(reverse("admin:auth_group_add"), {"name": "g", "permissions": [HUGE_ID]})
    assert response.status_code == 200
    assert f"“{HUGE_ID}” is not a valid value" in response.content.decode()

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("someone")
    data = {
        "username": "someone",
        "is_active": "on",
        "date_joined_0": "2026-11-22",
        "date_joined_1": "10:00:00",
        "groups": [HUGE_ID],
    }
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert f"“{HUGE_ID}” is not a valid value" in response.content.decode()


@pytest.mark.parametrize("total", [HUGE_ID, "51"])
def test_admin_inlines_refuse_too_many_forms_at_once(client_as, quiz, total):
    client = client_as("superuser")
    question = quiz.questions.get(order=1)
    data = {
        "quiz": quiz.pk,
        "key": question.key,
        "order": 1,
        "type": "single",
        "prompt": "P",
        "explanation": "E",
        "review_anchor": "",
        "choices-TOTAL_FORMS": total,
        "choices-INITIAL_FORMS": "0",
    }
    start = time.perf_counter()
    response = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    print(f"TOTAL_FORMS={total}: answered in {time.perf_counter() - start:.3f} s")
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()

    lesson = quiz.lesson
    response = client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        lesson_form(lesson, **{"references-TOTAL_FORMS": total}),
    )
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()


def test_admin_refuses_text_over_the_limits(client_as, quiz):
    client = client_as("superuser")
    lesson = quiz.lesson
    response = client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        lesson_form(lesson, body="x" * (MAX_DOCUMENT_LENGTH + 1), summary="s" * 1_001),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value has at most 50000 characters (it has 50001)." in html
    assert "Ensure this value has at most 1000 characters (it has 1001)." in html

    question = quiz.questions.get(order=1)
    data = {
        "quiz": quiz.pk,
        "key": question.key,
        "order": 1,
        "type": "single",
        "prompt": "p" * (MAX_FRAGMENT_LENGTH + 1),
        "explanation": "E",
        "review_anchor": "",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters (it has 20001)." in (
        response.content.decode()
    )


def test_a_request_with_too_many_fields_is_a_400(client_as, quiz, settings):
    client = client_as("superuser")
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("admin:quizzes_quiz_change", args=[quiz.pk]), fields)
    assert response.status_code == 400
