"""CSV downloads for a class's instructors: the gradebook, and every response. Spreadsheet-safe:
a cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe (OWASP "CSV injection"); usernames, names and answers are
all typed by users."""

import csv
import json

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from stressed.classes.grading import counts_for
from stressed.quizzes.grading import answer_text
from stressed.quizzes.models import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_response(rows, filename):
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow([defuse(v) for v in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _title(assignment):
    return str(assignment.work)


def gradebook_rows(book):
    header = ["username", "first_name", "last_name", "joined_at"]
    for a in book.assignments:
        name = _title(a)
        if a.quiz_id:
            header += [f"{name}: grade %", f"{name}: attempts", f"{name}: late", f"{name}: mastery"]
        else:
            header += [f"{name}: done", f"{name}: late"]
    yield header
    for row in book.rows:
        user = row.student
        joined = row.membership.joined_at.isoformat()
        line = [user.get_username(), user.first_name, user.last_name, joined]
        for cell in row.cells:
            if cell.assignment.quiz_id:
                grade = "" if cell.grade is None else round(cell.grade * 100, 1)
                line += [grade, cell.attempts, "late" if cell.late else "", cell.level.label]
            else:
                line += ["yes" if cell.done else "no", "late" if cell.late else ""]
        yield line


def response_rows(school_class):
    """Every response in the attempts that count for the class's quiz assignments."""
    yield [
        "username",
        "first_name",
        "last_name",
        "quiz",
        "attempt_id",
        "started_at",
        "finished_at",
        "late",
        "question_order",
        "question_title",
        "question",
        "answer",
        "fraction",
        "answered_at",
        "answer_ids",
    ]
    assignments = {
        a.quiz_id: a for a in school_class.assignments.filter(quiz__isnull=False).order_by("pk")
    }
    joined = dict(school_class.memberships.values_list("user_id", "joined_at"))
    responses = (
        Response.objects.filter(
            attempt__quiz_id__in=list(assignments),
            attempt__user__class_memberships__school_class=school_class,
        )
        .select_related("attempt__user", "attempt__quiz", "question")
        .prefetch_related("question__choices")
        .order_by("attempt__user__username", "attempt__started_at", "attempt_id", "question__order")
    )
    for r in responses.iterator(chunk_size=500):
        attempt, user = r.attempt, r.attempt.user
        assignment = assignments[attempt.quiz_id]
        if not counts_for(assignment, attempt.started_at, joined.get(user.pk)):
            continue
        due = assignment.due_at
        late = bool(due and attempt.finished_at and attempt.finished_at > due)
        yield [
            user.get_username(),
            user.first_name,
            user.last_name,
            attempt.quiz.slug,
            attempt.pk,
            attempt.started_at.isoformat(),
            attempt.finished_at.isoformat() if attempt.finished_at else "",
            "late" if late else "",
            r.question.order,
            r.question.title,
            " ".join(r.question.prompt.split()),
            answer_text(r.question, list(r.question.choices.all()), r.answer),
            r.fraction,
            r.answered_at.isoformat(),
            json.dumps(r.answer, ensure_ascii=False, sort_keys=True),
        ]
