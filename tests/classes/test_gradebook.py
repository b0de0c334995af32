"""Assignments, the gradebook (grid, sorting, per-student answers, class statistics, CSV) and
"Assigned to you"."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from stressed.classes import services
from stressed.classes.models import Assignment, Membership
from stressed.lessons.models import Lesson
from stressed.progress.models import LessonCompletion
from stressed.quizzes.models import Attempt, Quiz, Response
from tests.classes.conftest import finished_attempt, login, url
from tests.quiz_helpers import right_answer, start


def test_an_instructor_assigns_a_quiz_with_settings(client, school_class, instructor, quiz):
    login(client, instructor)
    page = client.get(url("assignment-create", school_class.pk))
    assert "UTC" in page.text and "Test quiz" in page.text
    response = client.post(
        url("assignment-create", school_class.pk),
        {
            "work": f"quiz:{quiz.pk}",
            "due_at": "2030-01-10T17:00",
            "counts_for_grade": "on",
            "feedback_mode": "after_finish",
            "attempts_allowed": "2",
            "grade_policy": "mean",
            "opens_at": "2030-01-01T08:00",
            "closes_at": "2030-01-11T08:00",
        },
    )
    assert response.status_code == 302
    a = Assignment.objects.get()
    assert (a.quiz, a.feedback_mode, a.attempts_allowed, a.grade_policy) == (
        quiz,
        "after_finish",
        2,
        "mean",
    )
    assert a.due_at.isoformat() == "2030-01-10T17:00:00+00:00"
    page = client.get(school_class.get_absolute_url())
    assert "When the attempt is finished" in page.text and "Mean of all attempts" in page.text


def test_assignment_form_refuses_nonsense(client, school_class, instructor, quiz):
    login(client, instructor)
    base = {"work": f"quiz:{quiz.pk}", "feedback_mode": "immediate", "grade_policy": "best"}
    bad = [
        ({"work": "quiz:999999"}, "Select a valid choice"),
        ({"opens_at": "2030-01-02T00:00", "closes_at": "2030-01-01T00:00"}, "close after"),
        ({"feedback_mode": "after_due"}, "needs a due date"),
        ({"attempts_allowed": "0"}, "Select a valid choice"),
    ]
    for change, message in bad:
        response = client.post(url("assignment-create", school_class.pk), base | change)
        assert response.status_code == 422 and message in response.text, change
    assert not Assignment.objects.exists()


def test_a_draft_quiz_cannot_be_assigned(client, school_class, instructor, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(published=False)
    login(client, instructor)
    response = client.post(
        url("assignment-create", school_class.pk),
        {"work": f"quiz:{quiz.pk}", "feedback_mode": "immediate", "grade_policy": "best"},
    )
    assert response.status_code == 422


def test_assigned_to_you_shows_due_overdue_and_done(client, school_class, enrolled, quiz):
    now = timezone.now()
    lesson = quiz.lesson
    Assignment.objects.create(school_class=school_class, quiz=quiz, due_at=now - timedelta(days=1))
    Assignment.objects.create(
        school_class=school_class, lesson=lesson, due_at=now + timedelta(days=1)
    )
    login(client, enrolled)
    page = client.get(url("assigned"))
    assert "Overdue" in page.text and "Due" in page.text and "UTC" in page.text
    # Finishing the quiz late: done, and marked late.
    attempt_id = start(client, quiz)
    question = quiz.questions.first()
    client.post(url("answer", attempt_id, question.pk), right_answer(attempt_id, question))
    client.post(url("attempt-finish", attempt_id))
    client.post(url("lesson-complete", lesson.slug))
    page = client.get(url("assigned"))
    assert "Done late" in page.text and "Overdue" not in page.text
    assert page.text.count('class="assigned-item state-') == 2
    # The htmx fragment for the home and progress pages.
    fragment = client.get(url("assigned"), headers={"HX-Request": "true"})
    assert "Assigned to you" in fragment.text and "<html" not in fragment.text
    assert "private" in fragment["Cache-Control"]


def test_assigned_fragment_is_empty_without_classes(client, student):
    login(client, student)
    fragment = client.get(url("assigned"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.strip() == ""


def test_home_and_progress_pages_load_the_assigned_fragment(client, enrolled):
    login(client, enrolled)
    for page in (url("home"), url("progress")):
        html = client.get(page).text
        assert f'hx-get="{url("assigned")}"' in html, page
    # Not on the public home page (no personal part at all).
    from django.test import Client

    assert url("assigned") not in Client().get(url("home")).text


def test_archived_classes_drop_out_of_assigned(client, school_class, enrolled, quiz_assignment):
    services.set_archived(school_class, True)
    login(client, enrolled)
    assert "Test quiz" not in client.get(url("assigned")).text


def make_class_data(school_class, quiz, student, instructor):
    a = Assignment.objects.create(
        school_class=school_class,
        quiz=quiz,
        grade_policy="first",
        due_at=timezone.now() + timedelta(hours=1),
    )
    finished_attempt(student, quiz, 0.5)
    finished_attempt(student, quiz, 0.9, finished=timezone.now() + timedelta(hours=2))
    return a


def test_the_gradebook_grid(client, school_class, enrolled, quiz, instructor, make_user):
    a = make_class_data(school_class, quiz, enrolled, instructor)
    # Practice before joining does not count.
    outsider = make_user("zed")
    finished_attempt(outsider, quiz, 1.0, started=timezone.now() - timedelta(days=3))
    services.join(outsider, school_class)
    login(client, instructor)
    page = client.get(url("gradebook", school_class.pk))
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert "Sam Student (stu)" in page.text and "zed" in page.text
    assert "<strong>50%</strong>" in page.text  # first attempt, by the assignment's rule
    assert "2 att." in page.text and "late" in page.text
    assert "Not started" in page.text or "Due" in page.text
    # Sorting by the quiz column, both ways, with aria-sort on the header.
    down = client.get(url("gradebook", school_class.pk) + f"?sort=-a{a.pk}").text
    assert 'aria-sort="descending"' in down
    assert down.index("Sam Student") < down.index(">zed<")
    up = client.get(url("gradebook", school_class.pk) + f"?sort=a{a.pk}").text
    assert up.index("Sam Student") < up.index(">zed<")  # empty cells last either way
    by_name = client.get(url("gradebook", school_class.pk) + "?sort=-student").text
    assert by_name.index(">zed<") < by_name.index("Sam Student")


def test_the_student_page_shows_every_answer(client, school_class, enrolled, quiz, instructor):
    Assignment.objects.create(school_class=school_class, quiz=quiz)
    client.force_login(enrolled)
    attempt_id = start(client, quiz)
    for question in quiz.questions.all()[:2]:
        client.post(url("answer", attempt_id, question.pk), right_answer(attempt_id, question))
    client.post(url("attempt-finish", attempt_id))
    login(client, instructor)
    page = client.get(url("class-student", school_class.pk, enrolled.pk))
    assert page.status_code == 200
    assert "Which receptor constricts skin vessels?" in page.text
    assert page.text.count("Answer given:") == 2 and "Not answered" in page.text


def test_class_statistics_count_only_the_class(
    client, school_class, enrolled, quiz, instructor, make_user
):
    a = Assignment.objects.create(school_class=school_class, quiz=quiz)
    finished_attempt(enrolled, quiz, 0.5)
    finished_attempt(make_user("not-in-class"), quiz, 1.0)
    login(client, instructor)
    page = client.get(url("class-quiz-statistics", school_class.pk, a.pk))
    assert page.status_code == 200
    assert "<dt>Students counted</dt><dd>1</dd>" in page.text
    assert "<dt>Mean score</dt><dd>50.0%</dd>" in page.text


def rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_downloads_are_spreadsheet_safe(client, school_class, quiz, instructor, make_user):
    evil = make_user("=cmd|' /C calc'!A0", first_name="+SUM(1)", last_name="@evil")
    services.join(evil, school_class)
    Assignment.objects.create(school_class=school_class, quiz=quiz)
    attempt = finished_attempt(evil, quiz, 0.5)
    Response.objects.filter(attempt=attempt).update(answer={"text": "-2+3"})
    login(client, instructor)
    grades = rows(client.get(url("gradebook-csv", school_class.pk)))
    assert grades[0][:3] == ["username", "first_name", "last_name"]
    assert grades[1][:3] == ["'=cmd|' /C calc'!A0", "'+SUM(1)", "'@evil"]
    assert grades[1][4] == "50.0"
    answers = rows(client.get(url("class-responses-csv", school_class.pk)))
    assert answers[0][11] == "answer" and answers[0][-1] == "answer_ids"
    # The answer in words is what was typed, defused; the stored JSON stays beside it.
    assert answers[1][0].startswith("'=") and answers[1][11] == "'-2+3"
    assert answers[1][-1] == '{"text": "-2+3"}'

    from stressed.classes.downloads import defuse

    assert [defuse(v) for v in ("-1", "=1", "+1", "@a", "\tx", "ok", 3)] == [
        "'-1", "'=1", "'+1", "'@a", "'\tx", "ok", 3,
    ]  # fmt: skip


def big_class(school_class, students=200, assignments=20):
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"s{n:03}", first_name="F", last_name=f"L{n}") for n in range(students)]
    )
    Membership.objects.bulk_create([Membership(school_class=school_class, user=u) for u in users])
    half = assignments // 2
    lessons = Lesson.objects.bulk_create(
        [
            Lesson(slug=f"bl{n}", title=f"Big lesson {n}", order=100 + n, summary="s",
                   objectives="o", last_reviewed="2026-11-22", published=True)
            for n in range(assignments)
        ]
    )  # fmt: skip
    quizzes = Quiz.objects.bulk_create(
        [Quiz(slug=f"bq{n}", title=f"Big quiz {n}", lesson=lessons[n], published=True)
         for n in range(half)]
    )  # fmt: skip
    Assignment.objects.bulk_create(
        [Assignment(school_class=school_class, quiz=q) for q in quizzes]
        + [Assignment(school_class=school_class, lesson=x) for x in lessons[half:]]
    )
    now = timezone.now() + timedelta(minutes=1)
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(user=u, quiz=q, finished_at=now, score=(i % 10) / 10)
            for i, u in enumerate(users)
            for q in quizzes
            for _ in range(2)
        ]
    )
    Attempt.objects.update(started_at=now)
    question_quiz = quizzes[0]
    from stressed.quizzes.models import Question

    question = Question.objects.create(quiz=question_quiz, type="short", prompt="Q?")
    Response.objects.bulk_create(
        [Response(attempt=a, question=question, answer={}, fraction=a.score) for a in attempts]
    )
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=u, lesson=x) for u in users[::2] for x in lessons]
    )
    return users


def test_gradebook_queries_are_pinned(client, school_class, instructor, django_assert_num_queries):
    """200 students × 20 assignments in a fixed number of queries. How fast it renders is
    measured by `make bench`, phase (g), never asserted here."""
    big_class(school_class)
    login(client, instructor)
    gradebook = url("gradebook", school_class.pk)
    client.get(gradebook)  # warm up templates
    # session, user, class, is-a-teacher, assignments, memberships, attempts, completions
    with django_assert_num_queries(8):
        response = client.get(gradebook)
    assert response.status_code == 200 and response.text.count("<tr>") == 201
    with django_assert_num_queries(8):
        assert client.get(gradebook + "?sort=-a1").status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_gradebook_query_count_does_not_grow(client, school_class, instructor, size,
                                             django_assert_num_queries):  # fmt: skip
    big_class(school_class, students=size, assignments=2 * size)
    login(client, instructor)
    client.get(url("gradebook", school_class.pk))
    with django_assert_num_queries(8):
        client.get(url("gradebook", school_class.pk))


def test_practice_before_joining_this_class_does_not_count_here(
    client, school_class, quiz, instructor, student
):
    earlier = services.create_class(instructor, name="Earlier class")
    services.join(student, earlier)
    Membership.objects.filter(user=student).update(joined_at=timezone.now() - timedelta(days=9))
    for c in (earlier, school_class):
        Assignment.objects.create(school_class=c, quiz=quiz)
    Assignment.objects.update(created_at=timezone.now() - timedelta(days=10))
    finished_attempt(student, quiz, 0.7, started=timezone.now() - timedelta(days=5))
    services.join(student, school_class)  # joins today
    from stressed.classes import gradebook as grid

    assert grid.build(earlier).rows[0].cells[0].attempts == 1
    assert grid.build(school_class).rows[0].cells[0].attempts == 0


def test_a_quiz_is_assigned_once_per_class(client, school_class, instructor, quiz_assignment):
    login(client, instructor)
    response = client.post(
        url("assignment-create", school_class.pk),
        {"work": f"quiz:{quiz_assignment.quiz_id}", "feedback_mode": "immediate",
         "grade_policy": "best"},
    )  # fmt: skip
    assert response.status_code == 422 and "already has it assigned" in response.text
    edit = client.post(
        url("assignment-edit", school_class.pk, quiz_assignment.pk),
        {"work": f"quiz:{quiz_assignment.quiz_id}", "feedback_mode": "after_finish",
         "grade_policy": "last"},
    )  # fmt: skip
    assert edit.status_code == 302
    quiz_assignment.refresh_from_db()
    assert quiz_assignment.grade_policy == "last" and quiz_assignment.due_at is None


def test_seed_class_makes_a_class_for_the_benchmark(quiz, make_lesson, db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "seed_class", "--students", "3", "--assignments", "2", "--password", "pw-x-123456",
        stdout=out,
    )  # fmt: skip
    from stressed.classes import gradebook as grid
    from stressed.classes.models import Class

    book = grid.build(Class.objects.get(pk=int(out.getvalue())))
    assert len(book.rows) == 3 and len(book.assignments) == 2
    assert book.assignments[0].quiz_id  # dated work first, then work without a due date
    assert all(row.cells[0].attempts == 2 for row in book.rows)
