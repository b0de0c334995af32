"""The gradebook: every student of a class × every assignment, in a fixed number of queries
whatever the class's size (pinned in tests/classes/test_gradebook.py)."""

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from stressed.classes.grading import standing
from stressed.classes.services import finished_attempts, lesson_of, text_fields
from stressed.progress.models import LessonCompletion
from stressed.quizzes.models import Attempt


def display_name(user):
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def cell_html(cell):
    """One cell of the grid. Built here, not in the template: 4,000 cells through Django's
    template engine cost more than the whole 300 ms budget. Every piece is a number or one of
    our own constant labels, so nothing needs escaping."""
    late = ' <span class="gb-late">late</span>' if cell.late else ""
    if cell.assignment.quiz_id:
        if cell.attempts:
            body = (
                f'<strong>{cell.percent}%</strong> <span class="gb-n">{cell.attempts} att.</span>'
            )
        else:
            body = f'<span class="gb-none">{cell.state_label}</span>'
        body += f'{late} <span class="gb-level">{cell.level.label}</span>'
    elif cell.done:
        body = f'<span aria-hidden="true">✓</span> Read{late}'
    else:
        body = f'<span class="gb-none">{cell.state_label}</span>'
    return f'<td class="gb-{cell.state}">{body}</td>'


@dataclass
class Row:
    membership: object
    cells: list  # Standings, in the order of the gradebook's assignments

    @property
    def cells_html(self):
        return mark_safe("".join(cell_html(c) for c in self.cells))  # noqa: S308 (see cell_html)

    @property
    def student(self):
        return self.membership.user

    @property
    def name(self):
        return display_name(self.membership.user)


@dataclass
class Gradebook:
    school_class: object
    assignments: list
    rows: list

    def sort(self, key):
        """`student`, `-student`, `a<id>` or `-a<id>` (by grade, or done for a lesson); empty
        cells last either way, ties by username. Returns the key actually used."""
        descending = key.startswith("-")
        name = key.removeprefix("-")
        by_name = lambda row: row.student.get_username().casefold()  # noqa: E731
        column = next((i for i, a in enumerate(self.assignments) if name == f"a{a.pk}"), None)
        self.rows.sort(key=by_name)
        if column is None:
            if descending and name == "student":
                self.rows.reverse()
                return key
            return "student"

        def value(row):
            cell = row.cells[column]
            return cell.grade if cell.assignment.quiz_id else (1.0 if cell.done else None)

        filled = [r for r in self.rows if value(r) is not None]
        empty = [r for r in self.rows if value(r) is None]
        filled.sort(key=value, reverse=descending)  # stable: ties stay by name
        self.rows = filled + empty
        return key


def assignments_of(school_class):
    return list(
        school_class.assignments.select_related("lesson", "quiz__lesson")
        .defer(*text_fields("lesson"), *text_fields("quiz__lesson"), "quiz__intro")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def build(school_class, now=None, assignments=None):
    now = now or timezone.now()
    if assignments is None:
        assignments = assignments_of(school_class)
    memberships = list(school_class.memberships.select_related("user").order_by("user__username"))
    in_class = {"user__class_memberships__school_class": school_class}
    quiz_ids = {a.quiz_id for a in assignments if a.quiz_id}
    attempts = {}
    if quiz_ids and memberships:
        # Which attempts count (grading.counts_for), decided in SQL: started once the
        # assignment opened and once the student joined (the same membership row: one
        # filter() call), so no start time has to be read and parsed.
        opened = Q()
        for a in assignments:
            if a.quiz_id:
                opened |= Q(quiz_id=a.quiz_id, started_at__gte=a.starts_at)
        counted = Attempt.objects.filter(
            opened,
            started_at__gte=F("user__class_memberships__joined_at"),
            **in_class,
        )
        for user_id, quiz_id, row in finished_attempts(counted, in_order=True):
            attempts.setdefault((user_id, quiz_id), []).append(row)
    completed = {}
    lesson_ids = {lesson_of(a) for a in assignments} - {None}
    if lesson_ids and memberships:
        completions = LessonCompletion.objects.filter(lesson_id__in=lesson_ids, **in_class)
        for user_id, lesson_id, at in completions.values_list(
            "user_id", "lesson_id", "completed_at"
        ):
            completed[(user_id, lesson_id)] = at
    rows = []
    for membership in memberships:
        user_id = membership.user_id
        cells = [
            standing(
                a,
                now,
                completed_at=completed.get((user_id, lesson_of(a))),
                attempts=attempts.get((user_id, a.quiz_id), ()),
                counted=True,
            )
            for a in assignments
        ]
        rows.append(Row(membership, cells))
    return Gradebook(school_class, assignments, rows)
