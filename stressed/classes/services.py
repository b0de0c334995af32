"""What instructors and students do with classes, and who may see what.

Roles: an instructor is a user with `classes.add_class` (the Instructors and Admins groups,
given by migration 0002); they see only the classes they teach, as do the co-teachers they add.
Admins (`classes.view_class`, and superusers) see every class. A student is any logged-in
user; they see their own classes and their own work, never another student's.
"""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from stressed.classes.grading import AttemptRow, standing
from stressed.classes.models import Assignment, Class, Membership, new_join_code, normalize_code
from stressed.progress.models import LessonCompletion
from stressed.quizzes.models import Attempt, Response

ADD_CLASS = "classes.add_class"
SEE_ALL = "classes.view_class"

# Join codes: 31 symbols, 7 long, about 2.7e10 codes. Failed tries are limited per user and
# per address (a school behind one NAT address joins in a burst, so successes never count).
JOIN_FAILURES_PER_USER = 10
JOIN_FAILURES_PER_IP = 50
JOIN_WINDOW = 60 * 60  # seconds


def is_instructor(user):
    return user.is_authenticated and user.has_perm(ADD_CLASS)


def sees_all_classes(user):
    return user.is_authenticated and user.has_perm(SEE_ALL)


def classes_taught(user):
    """The classes this user may manage: the ones they teach; every class for admins."""
    if sees_all_classes(user):
        return Class.objects.all()
    if not user.is_authenticated:
        return Class.objects.none()
    return Class.objects.taught_by(user)


def teaches(user, school_class):
    """A teacher of the class, or an admin (asked second: a teacher costs one query)."""
    if not user.is_authenticated:
        return False
    return school_class.teachers.filter(pk=user.pk).exists() or sees_all_classes(user)


# Classes -------------------------------------------------------------------------------------


def _save_with_new_code(school_class, tries=5):
    """Save, drawing a new code if the one drawn is taken (a collision is rare, not impossible)."""
    for attempt in range(tries):
        try:
            with transaction.atomic():
                school_class.save()
            return school_class
        except IntegrityError:
            if (
                attempt == tries - 1
                or not Class.objects.filter(join_code=school_class.join_code)
                .exclude(pk=school_class.pk)
                .exists()
            ):
                raise
            school_class.join_code = new_join_code()
    return school_class


def create_class(teacher, **fields):
    with transaction.atomic():
        school_class = _save_with_new_code(Class(**fields))
        school_class.teachers.add(teacher)
    return school_class


def regenerate_code(school_class):
    school_class.join_code = new_join_code()
    return _save_with_new_code(school_class)


def set_archived(school_class, archived):
    school_class.archived_at = timezone.now() if archived else None
    school_class.save(update_fields=["archived_at"])


def add_teacher(school_class, username):
    """Adds a co-teacher; returns an error message, or "" when done. Only instructors can be
    co-teachers: a teacher sees every student's answers."""
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None or not user.is_active:
        return "There is no user with that username."
    if not user.has_perm(ADD_CLASS):
        return f"{user.get_username()} is not an instructor; ask an admin to give them the role."
    school_class.teachers.add(user)
    school_class.memberships.filter(user=user).delete()  # a teacher is not also a student
    return ""


def remove_teacher(school_class, user):
    """Removes a co-teacher, never the last one (an error message, or "")."""
    if school_class.teachers.count() <= 1:
        return "A class needs at least one teacher."
    school_class.teachers.remove(user)
    return ""


# Joining ---------------------------------------------------------------------------------------


def _limit_keys(request):
    from axes.helpers import get_client_ip_address

    ip = get_client_ip_address(request) or "unknown"
    return (
        (f"classes:join:user:{request.user.pk}", JOIN_FAILURES_PER_USER),
        (f"classes:join:ip:{ip}", JOIN_FAILURES_PER_IP),
    )


def join_blocked(request):
    """True when this user or address has failed too often this hour: then even a right code
    is refused, or the limit would say which code is right."""
    return any(cache.get(key, 0) >= limit for key, limit in _limit_keys(request))


def record_join_failure(request):
    for key, _limit in _limit_keys(request):
        if not cache.add(key, 1, JOIN_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # the window ended between add() and incr()
                cache.add(key, 1, JOIN_WINDOW)


def find_by_code(request, code):
    """The open class with this code, or None (a failed try, counted). Call join_blocked first."""
    code = normalize_code(code)
    found = None
    if code and len(code) <= 8:
        found = Class.objects.active().filter(join_code=code).first()
    if found is None:
        record_join_failure(request)
    return found


def join(user, school_class):
    """Adds the student; returns the membership and whether it is new."""
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(school_class=school_class, user=user)
    except IntegrityError:  # a double click raced us
        return Membership.objects.get(school_class=school_class, user=user), False


def leave(user, school_class):
    return school_class.memberships.filter(user=user).delete()[0] > 0


# Standings -------------------------------------------------------------------------------------


def finished_attempts(attempts, in_order=False):
    """AttemptRow values for finished attempts, one query; `answered` says whether it has an
    answer (an empty finished attempt counts for nothing toward mastery). `in_order`: sorted
    by start in SQL, without reading the start times (the gradebook's hot path)."""
    rows = attempts.filter(finished_at__isnull=False).annotate(
        answered=Exists(Response.objects.filter(attempt=OuterRef("pk")))
    )
    if in_order:
        rows = rows.order_by("started_at", "pk").values_list(
            "pk", "user_id", "quiz_id", "finished_at", "score", "answered"
        )
        for pk, user_id, quiz_id, finished, score, answered in rows:
            yield user_id, quiz_id, AttemptRow(pk, None, finished, score, answered)
        return
    rows = rows.order_by().values_list(
        "pk", "user_id", "quiz_id", "started_at", "finished_at", "score", "answered"
    )
    for pk, user_id, quiz_id, started, finished, score, answered in rows:
        yield user_id, quiz_id, AttemptRow(pk, started, finished, score, answered)


def lesson_of(assignment):
    return assignment.lesson_id if assignment.quiz_id is None else assignment.quiz.lesson_id


def assigned_to(user, now=None):
    """[(assignment, Standing)] for the student's open classes: overdue first, then by due
    date; done work last."""
    now = now or timezone.now()
    memberships = {
        m.school_class_id: m.joined_at
        for m in Membership.objects.filter(user=user, school_class__archived_at__isnull=True)
    }
    if not memberships:
        return []
    assignments = list(
        Assignment.objects.filter(school_class_id__in=memberships)
        .select_related("school_class", "lesson", "quiz__lesson")
        .defer(*text_fields("lesson"), *text_fields("quiz__lesson"))
    )
    quiz_ids = {a.quiz_id for a in assignments if a.quiz_id}
    lesson_ids = {lesson_of(a) for a in assignments}
    attempts = {}
    if quiz_ids:
        for _user, quiz_id, row in finished_attempts(
            Attempt.objects.filter(user=user, quiz_id__in=quiz_ids)
        ):
            attempts.setdefault(quiz_id, []).append(row)
    completed = dict(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list(
            "lesson_id", "completed_at"
        )
    )
    result = []
    for assignment in assignments:
        result.append(
            (
                assignment,
                standing(
                    assignment,
                    now,
                    completed_at=completed.get(lesson_of(assignment)),
                    attempts=attempts.get(assignment.quiz_id, ()),
                    joined_at=memberships[assignment.school_class_id],
                ),
            )
        )
    order = {"overdue": 0, "due": 1, "todo": 2, "late": 3, "done": 3}
    far = datetime.max.replace(tzinfo=UTC)  # no due date: after every dated one
    result.sort(key=lambda pair: (order[pair[1].state], pair[0].due_at or far, pair[0].pk))
    return result


def text_fields(prefix):
    """The lesson's text columns: a list of assignments needs only titles and slugs."""
    return [f"{prefix}__{name}" for name in ("body", "body_html", "linked_html", "toc")]
