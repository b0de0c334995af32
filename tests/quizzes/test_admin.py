"""Authoring quizzes in the admin: validation messages, and who may do what."""

import pytest
from django.urls import reverse

from stressed.quizzes.models import Choice, Question, Quiz


def question_form(quiz, kind, choices, prompt="A **new** question?"):
    data = {
        "quiz": quiz.pk, "order": 9, "type": kind, "title": "", "prompt": prompt,
        "explanation": "Because.", "review_anchor": "first",
        "choices-TOTAL_FORMS": str(len(choices)), "choices-INITIAL_FORMS": "0",
    }  # fmt: skip
    for index, fields in enumerate(choices):
        for name, value in {"order": index, "fraction": 0, "text": "", **fields}.items():
            data[f"choices-{index}-{name}"] = value
    return data


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [{"text": "A", "fraction": 1}, {"text": "B", "fraction": 1}],
         "exactly one option with fraction 1"),
        ("multiple", [{"text": "A", "fraction": 0}, {"text": "B", "fraction": -0.5}],
         "at least one positive weight"),
        ("numeric", [{"value": 5, "tolerance": -1, "fraction": 1}], "tolerance cannot be negative"),
        ("numeric", [{"min_value": 9, "max_value": 1, "fraction": 1}], "min ≤ max"),
        ("matching", [{"text": "A", "match_text": "B", "fraction": 1}], "at least two pairs"),
        ("truefalse", [{"text": "Yes", "fraction": 1}, {"text": "No"}], "True then False"),
        ("short", [{"text": "", "fraction": 1}], "at least one accepted answer"),
    ],
)  # fmt: skip
def test_invalid_questions_get_clear_messages_and_nothing_is_saved(
    client_as, quiz, kind, choices, message
):
    client = client_as("instructor")
    before = Question.objects.count()
    response = client.post(
        reverse("admin:quizzes_question_add"), question_form(quiz, kind, choices)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Question.objects.count() == before


def test_instructor_writes_a_valid_question_of_every_type(client_as, quiz):
    client = client_as("instructor")
    forms = {
        "single": [{"text": "A", "fraction": 1}, {"text": "B", "misconception": "a-myth"}],
        "multiple": [
            {"text": "A", "fraction": 0.5},
            {"text": "B", "fraction": 0.5},
            {"text": "C", "fraction": -1},
        ],
        "truefalse": [{"text": "True", "fraction": 1}, {"text": "False"}],
        "short": [{"text": "norepinephrine", "fraction": 1}],
        "numeric": [{"value": 37, "tolerance": 0.5, "fraction": 1}],
        "matching": [{"text": "α1", "match_text": "Constricts", "fraction": 1},
                     {"text": "β2", "match_text": "Dilates", "fraction": 1}],
    }  # fmt: skip
    for kind, choices in forms.items():
        response = client.post(
            reverse("admin:quizzes_question_add"), question_form(quiz, kind, choices)
        )
        assert response.status_code == 302, (kind, response.content.decode()[:500])
    created = Question.objects.filter(order=9)
    assert sorted(created.values_list("type", flat=True)) == sorted(forms)
    assert "<strong>new</strong>" in created.first().prompt_html
    assert (
        Choice.objects.get(question__type="single", question__order=9, text="B").misconception
        == "a-myth"
    )
    assert Quiz.objects.get(pk=quiz.pk).edited_in_admin


ADMIN_PAGES = [
    (
        "admin:quizzes_quiz_changelist",
        [],
        {"instructor": 200, "admin": 200, "glossary_editor": 403},
    ),
    ("admin:quizzes_quiz_add", [], {"instructor": 200, "admin": 200, "glossary_editor": 403}),
    (
        "admin:quizzes_question_changelist",
        [],
        {"instructor": 200, "admin": 200, "glossary_editor": 403},
    ),
    (
        "admin:lessons_lesson_changelist",
        [],
        {"instructor": 200, "admin": 200, "glossary_editor": 200},
    ),
    ("admin:lessons_lesson_add", [], {"instructor": 403, "admin": 200, "glossary_editor": 403}),
    ("admin:glossary_term_add", [], {"instructor": 403, "admin": 200, "glossary_editor": 200}),
    ("admin:auth_user_changelist", [], {"instructor": 403, "admin": 200, "glossary_editor": 403}),
    ("admin:auth_user_add", [], {"instructor": 403, "admin": 200, "glossary_editor": 403}),
]


@pytest.mark.parametrize(
    "role", ["anonymous", "student", "instructor", "glossary_editor", "admin", "superuser"]
)
@pytest.mark.parametrize(("name", "args", "expected"), ADMIN_PAGES)
def test_admin_role_matrix(client_as, db, role, name, args, expected):
    response = client_as(role).get(reverse(name, args=args))
    if role in ("anonymous", "student"):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif role == "superuser":
        assert response.status_code == 200
    else:
        assert response.status_code == expected[role]


def test_instructor_cannot_change_lessons_even_by_post(client_as, make_lesson):
    lesson = make_lesson()
    client = client_as("instructor")
    data = {"title": "Hijacked", "slug": lesson.slug, "order": 1, "summary": "s", "objectives": "a",
            "body": "b", "last_reviewed": "2026-11-22", "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.title != "Hijacked"


def test_students_are_never_staff(make_user):
    assert not make_user("plain").is_staff
