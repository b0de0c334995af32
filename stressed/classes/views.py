"""Classes: pages for instructors (their classes, roster, assignments, gradebook, downloads)
and for students (join, leave, what is assigned to them). Every page is personal, so none is
`public_page`: the cache middleware marks them private. Permissions are checked here, in the
views (an htmx fragment can be requested directly)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from stressed.classes import gradebook as grid
from stressed.classes import services
from stressed.classes import stats as class_stats
from stressed.classes.downloads import csv_response, gradebook_rows, response_rows
from stressed.classes.forms import AssignmentForm, ClassForm, JoinForm, TeacherForm
from stressed.classes.models import Class
from stressed.classes.services import is_instructor, teaches
from stressed.core.views import error_page
from stressed.quizzes import bank
from stressed.quizzes.cards import build_cards

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _taught_class(request, class_id):
    """The class, for its teachers and admins. Students get 403 whatever the id; instructors
    who do not teach it a 404 (they learn nothing about other classes)."""
    school_class = Class.objects.filter(pk=class_id).first()
    if school_class is not None and teaches(request.user, school_class):
        return school_class
    if is_instructor(request.user):
        raise Http404("No such class.")
    raise PermissionDenied


def _editable(request, school_class):
    if school_class.archived:
        messages.error(request, "This class is archived: restore it to change it.")
        return False
    return True


@login_required
@require_safe
def class_list(request):
    taught = (
        services.classes_taught(request.user)
        .annotate(students=Count("memberships", distinct=True))
        .prefetch_related("teachers")
        if is_instructor(request.user)
        else []
    )
    enrolled = Class.objects.filter(memberships__user=request.user).prefetch_related("teachers")
    return render(
        request,
        "classes/class_list.html",
        {
            "taught": taught,
            "enrolled": enrolled,
            "join_form": JoinForm(),
            "instructor": is_instructor(request.user),
        },
    )


@login_required
@GET_OR_POST
def class_create(request):
    if not is_instructor(request.user):
        raise PermissionDenied
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school_class = services.create_class(request.user, **form.cleaned_data)
        messages.success(request, f"Class created. Its join code is {school_class.join_code}.")
        return redirect(school_class)
    return render(request, "classes/class_form.html", {"form": form, "school_class": None})


@login_required
@GET_OR_POST
def class_edit(request, class_id):
    school_class = _taught_class(request, class_id)
    form = ClassForm(request.POST or None, instance=school_class)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Class saved.")
        return redirect(school_class)
    return render(request, "classes/class_form.html", {"form": form, "school_class": school_class})


@login_required
@require_safe
def class_detail(request, class_id):
    school_class = get_object_or_404(Class, pk=class_id)
    if teaches(request.user, school_class):
        return _teacher_page(request, school_class)
    membership = school_class.memberships.filter(user=request.user).first()
    if membership is None:
        if is_instructor(request.user):
            raise Http404("No such class.")
        raise Http404("You are not in this class.")
    rows = [
        pair
        for pair in services.assigned_to(request.user)
        if pair[0].school_class_id == school_class.pk
    ]
    return render(
        request,
        "classes/class_student.html",
        {"school_class": school_class, "rows": rows, "membership": membership},
    )


def _teacher_page(request, school_class):
    join_url = request.build_absolute_uri(reverse("class-join-link", args=[school_class.join_code]))
    return render(
        request,
        "classes/class_detail.html",
        {
            "school_class": school_class,
            "join_url": join_url,
            "assignments": grid.assignments_of(school_class),
            "memberships": school_class.memberships.select_related("user"),
            "teachers": school_class.teachers.order_by("username"),
            "teacher_form": TeacherForm(),
            "zone": timezone.get_current_timezone_name(),
        },
    )


@login_required
@require_POST
def class_code(request, class_id):
    school_class = _taught_class(request, class_id)
    if _editable(request, school_class):
        services.regenerate_code(school_class)
        messages.success(
            request,
            f"New join code: {school_class.join_code}. The old code and link no longer work.",
        )
    return redirect(school_class)


@login_required
@require_POST
def class_archive(request, class_id):
    school_class = _taught_class(request, class_id)
    archive = request.POST.get("archive", "1") == "1"
    services.set_archived(school_class, archive)
    messages.success(
        request,
        "Class archived: students keep their work, but nobody can join and nothing is assigned."
        if archive
        else "Class restored.",
    )
    return redirect(school_class)


@login_required
@require_POST
def class_teacher_add(request, class_id):
    school_class = _taught_class(request, class_id)
    form = TeacherForm(request.POST)
    if form.is_valid() and _editable(request, school_class):
        error = services.add_teacher(school_class, form.cleaned_data["username"])
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"{form.cleaned_data['username']} now teaches this class.")
    elif not form.is_valid():
        messages.error(request, "Give the co-teacher's username.")
    return redirect(school_class)


@login_required
@require_POST
def class_teacher_remove(request, class_id, user_id):
    school_class = _taught_class(request, class_id)
    teacher = get_object_or_404(school_class.teachers, pk=user_id)
    error = services.remove_teacher(school_class, teacher)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{teacher.get_username()} no longer teaches this class.")
    if teacher == request.user and not services.sees_all_classes(request.user):
        return redirect("class-list")
    return redirect(school_class)


@login_required
@require_POST
def class_student_remove(request, class_id, user_id):
    school_class = _taught_class(request, class_id)
    membership = get_object_or_404(school_class.memberships.select_related("user"), user_id=user_id)
    membership.delete()
    messages.success(
        request,
        f"{grid.display_name(membership.user)} was removed from the class. Their own work is "
        "kept in their account.",
    )
    return redirect(school_class)


@login_required
@require_POST
def class_leave(request, class_id):
    school_class = get_object_or_404(Class, pk=class_id)
    if not services.leave(request.user, school_class):
        raise Http404("You are not in this class.")
    messages.success(
        request,
        f"You left {school_class.name}. Your own progress stays with you; its instructors no "
        "longer see it.",
    )
    return redirect("class-list")


# Joining ---------------------------------------------------------------------------------------


def _too_many_tries(request):
    return error_page(
        request,
        429,
        "Too many tries",
        "That was too many wrong join codes for now. Wait an hour, or ask your instructor for "
        "the class's join link.",
    )


def _joined(request, school_class):
    if teaches(request.user, school_class) and not services.sees_all_classes(request.user):
        messages.info(request, "You teach this class.")
        return redirect(school_class)
    _membership, new = services.join(request.user, school_class)
    messages.success(
        request,
        f"You joined {school_class.name}." if new else f"You are already in {school_class.name}.",
    )
    return redirect(school_class)


@login_required
@GET_OR_POST
def class_join(request):
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.join_blocked(request):
            return _too_many_tries(request)
        school_class = services.find_by_code(request, form.cleaned_data["code"])
        if school_class is not None:
            return _joined(request, school_class)
        form.add_error(
            "code", "No open class has that code. Check it with your instructor and try again."
        )
    status = 422 if form.errors else 200
    return render(request, "classes/join.html", {"form": form}, status=status)


@GET_OR_POST
def class_join_link(request, code):
    """The join link. Someone not logged in is asked to log in or sign up, with `next` back
    here (the class is not looked up for them: nothing to guess from). A GET shows the class
    and a Join button; only the POST joins."""
    if not request.user.is_authenticated:
        return render(request, "classes/join_link.html", {"code": code, "school_class": None})
    if services.join_blocked(request):
        return _too_many_tries(request)
    school_class = services.find_by_code(request, code)
    if school_class is None:
        return error_page(
            request,
            404,
            "No such class",
            "This join link does not work: the class may be archived or its code changed. Ask "
            "your instructor for the current link or code.",
        )
    if request.method == "POST":
        return _joined(request, school_class)
    already = school_class.memberships.filter(user=request.user).exists()
    return render(
        request,
        "classes/join_link.html",
        {"code": code, "school_class": school_class, "already": already},
    )


# Assignments -----------------------------------------------------------------------------------


def _assignment_page(request, school_class, assignment=None):
    form = AssignmentForm(request.POST or None, instance=assignment, school_class=school_class)
    if request.method == "POST" and _editable(request, school_class) and form.is_valid():
        form.instance.school_class = school_class
        form.save()
        messages.success(request, f"Assigned: {form.instance.work}.")
        return redirect(school_class)
    context = {
        "form": form,
        "school_class": school_class,
        "assignment": assignment,
        "zone": timezone.get_current_timezone_name(),
    }
    return render(
        request, "classes/assignment_form.html", context, status=422 if form.errors else 200
    )


@login_required
@GET_OR_POST
def assignment_create(request, class_id):
    return _assignment_page(request, _taught_class(request, class_id))


@login_required
@GET_OR_POST
def assignment_edit(request, class_id, assignment_id):
    school_class = _taught_class(request, class_id)
    assignment = get_object_or_404(school_class.assignments, pk=assignment_id)
    return _assignment_page(request, school_class, assignment)


@login_required
@require_POST
def assignment_delete(request, class_id, assignment_id):
    school_class = _taught_class(request, class_id)
    assignment = get_object_or_404(
        school_class.assignments.select_related("quiz", "lesson"), pk=assignment_id
    )
    assignment.delete()
    messages.success(
        request, f"{assignment.work} is no longer assigned. Students' own work is kept."
    )
    return redirect(school_class)


# Gradebook -------------------------------------------------------------------------------------


@login_required
@require_safe
def gradebook(request, class_id):
    school_class = _taught_class(request, class_id)
    book = grid.build(school_class)
    sort = book.sort(request.GET.get("sort", "student"))
    columns = [
        {"assignment": a, "key": f"a{a.pk}", "sort": _sort_state(sort, f"a{a.pk}")}
        for a in book.assignments
    ]
    return render(
        request,
        "classes/gradebook.html",
        {
            "school_class": school_class,
            "book": book,
            "columns": columns,
            "student_sort": _sort_state(sort, "student"),
            "zone": timezone.get_current_timezone_name(),
        },
    )


def _sort_state(current, key):
    """(aria-sort value, the link's sort parameter) for a column header."""
    if current == key:
        return {"aria": "ascending", "next": f"-{key}", "label": "descending"}
    if current == f"-{key}":
        return {"aria": "descending", "next": key, "label": "ascending"}
    return {"aria": "", "next": key, "label": "ascending"}


@login_required
@require_safe
def gradebook_csv(request, class_id):
    school_class = _taught_class(request, class_id)
    rows = gradebook_rows(grid.build(school_class))
    return csv_response(rows, f"class-{school_class.pk}-grades.csv")


@login_required
@require_safe
def responses_csv(request, class_id):
    school_class = _taught_class(request, class_id)
    return csv_response(response_rows(school_class), f"class-{school_class.pk}-responses.csv")


@login_required
@require_safe
def class_student(request, class_id, user_id):
    """Every answer one student gave to the class's quizzes (the attempts that count)."""
    school_class = _taught_class(request, class_id)
    membership = get_object_or_404(school_class.memberships.select_related("user"), user_id=user_id)
    book = grid.build(school_class)
    row = next(r for r in book.rows if r.membership.user_id == user_id)
    attempt_ids = [a.pk for cell in row.cells for a in cell.attempt_rows]
    attempts = {
        a.pk: a
        for a in membership.user.attempts.filter(pk__in=attempt_ids).prefetch_related("responses")
    }
    sections = []
    for cell in row.cells:
        runs = []
        for counted in cell.attempt_rows:
            attempt = attempts[counted.pk]
            questions = bank.questions(attempt.question_ids)
            cards = build_cards(attempt.seed, questions, list(attempt.responses.all()))
            runs.append({"attempt": attempt, "cards": cards, "late": _late(cell, attempt)})
        sections.append({"cell": cell, "runs": runs})
    return render(
        request,
        "classes/student.html",
        {
            "school_class": school_class,
            "student": membership.user,
            "name": grid.display_name(membership.user),
            "membership": membership,
            "sections": sections,
        },
    )


def _late(cell, attempt):
    due = cell.assignment.due_at
    return bool(due and attempt.finished_at and attempt.finished_at > due)


@login_required
@require_safe
def class_quiz_statistics(request, class_id, assignment_id):
    school_class = _taught_class(request, class_id)
    assignment = get_object_or_404(
        school_class.assignments.select_related("quiz__lesson"),
        pk=assignment_id,
        quiz__isnull=False,
    )
    stats = class_stats.class_quiz_statistics(school_class, assignment)
    return render(
        request,
        "classes/statistics.html",
        {
            "school_class": school_class,
            "assignment": assignment,
            "quiz": assignment.quiz,
            "stats": stats,
        },
    )


# The student's side ----------------------------------------------------------------------------


@require_safe
@vary_on_headers("HX-Request")
def assigned(request):
    """ "Assigned to you": the student's open assignments, due, overdue or done. A page, and
    the small private fragment the home and progress pages load (empty when there is
    nothing: the slot then disappears)."""
    rows = services.assigned_to(request.user) if request.user.is_authenticated else []
    context = {"rows": rows, "now": timezone.now()}
    if request.htmx:
        return render(request, "classes/assigned.html#section", context)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "classes/assigned.html", context)
