from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from stressed.core.cache import ContentMemo
from stressed.core.caching import cache_for_anonymous, is_cacheable
from stressed.lessons.models import Lesson
from stressed.progress.store import Progress

_published = ContentMemo()  # slug -> id of every published lesson


@require_GET
@cache_for_anonymous
def home(request):
    lessons = list(
        Lesson.objects.visible_to(request.user).only(
            "title", "slug", "order", "summary", "published"
        )
    )
    completed, continue_lesson = set(), None
    if not is_cacheable(request):  # a first-time visitor has no progress to show
        progress = Progress(request)
        done_ids = progress.completed_lesson_ids()
        completed = {lesson.slug for lesson in lessons if lesson.pk in done_ids}
        last = progress.last_lesson_id()
        continue_lesson = next((x for x in lessons if x.pk == last), None)
    return render(
        request,
        "lessons/home.html",
        {"lessons": lessons, "completed": completed, "continue_lesson": continue_lesson},
    )


def published_lesson_id(slug):
    ids = _published.current()
    if not ids:
        ids.update(Lesson.objects.filter(published=True).values_list("slug", "pk"))
    return ids.get(slug)


def _lesson_variant(request, slug):
    """For visitors with a session who are not logged in, the lesson page differs only in
    whether they marked it complete; records the visit for "continue where you left off"."""
    lesson_id = published_lesson_id(slug)
    progress = Progress(request)
    if lesson_id is None or not progress.has_session():
        # A draft or unknown slug is a 404, which is never cached; a session cookie whose
        # session has expired is a visitor without progress.
        return "open"
    progress.visit(lesson_id)
    return "complete" if lesson_id in progress.completed_lesson_ids() else "open"


@require_GET
@cache_for_anonymous(variant=_lesson_variant)
def lesson(request, slug):
    lessons = Lesson.objects.visible_to(request.user)
    # The page shows the linked HTML only; the Markdown and plain HTML stay in the database.
    lesson = get_object_or_404(
        lessons.defer("body", "body_html").prefetch_related("references"), slug=slug
    )
    siblings = list(lessons.only("title", "slug", "order"))
    index = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    quiz = lesson.quizzes.visible_to(request.user).only("title", "slug").first()
    is_complete = False
    if not is_cacheable(request):
        progress = Progress(request)
        is_complete = lesson.pk in progress.completed_lesson_ids()
        progress.visit(lesson.pk)
    return render(
        request,
        "lessons/lesson.html",
        {
            "lesson": lesson,
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "quiz": quiz,
            "is_complete": is_complete,
        },
    )
