from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from stressed.core.caching import is_logged_in, public_page
from stressed.lessons.models import Lesson
from stressed.progress.store import Progress


@require_safe
@public_page
def home(request):
    lessons = list(
        Lesson.objects.visible_to(request.user).only(
            "title", "slug", "order", "summary", "published"
        )
    )
    context = {"lessons": lessons}
    if is_logged_in(request):  # everyone else gets the public page; see home_progress
        context.update(progress_context(request, lessons), personal=True)
    return render(request, "lessons/home.html", context)


def progress_context(request, lessons):
    progress = Progress(request)
    done_ids = progress.completed_lesson_ids()
    last = progress.last_lesson_id()
    return {
        "completed": {lesson.slug for lesson in lessons if lesson.pk in done_ids},
        "continue_lesson": next((x for x in lessons if x.pk == last), None),
    }


@require_safe
@vary_on_headers("HX-Request")
def home_progress(request):
    """The home page's personal part ("continue where you left off", lessons completed),
    which the public home page fetches for visitors with a session. Private."""
    lessons = list(Lesson.objects.visible_to(request.user).only("title", "slug", "order"))
    context = {"lessons": lessons, **progress_context(request, lessons), "personal": True}
    if request.htmx:
        return render(request, "lessons/home.html#personal", context)
    return render(request, "lessons/home_progress.html", context)


@require_safe
@public_page
def lesson(request, slug):
    lessons = Lesson.objects.visible_to(request.user)
    # The page shows the linked HTML only; the Markdown and plain HTML stay in the database.
    lesson = get_object_or_404(
        lessons.defer("body", "body_html").prefetch_related("references"), slug=slug
    )
    siblings = list(lessons.only("title", "slug", "order"))
    index = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    quiz = lesson.quizzes.visible_to(request.user).only("title", "slug").first()
    context = {
        "lesson": lesson,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "quiz": quiz,
    }
    if is_logged_in(request):
        # Rendered for this visitor alone. Anyone else gets the public page, which fetches
        # "mark complete" from progress.views.lesson_progress (that records the visit).
        progress = Progress(request)
        context.update(personal=True, is_complete=lesson.pk in progress.completed_lesson_ids())
        progress.visit(lesson.pk)
    return render(request, "lessons/lesson.html", context)
