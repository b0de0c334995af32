from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from stressed.core.caching import cache_for_anonymous, is_cacheable
from stressed.lessons.models import Lesson
from stressed.progress.store import Progress


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


@require_GET
@cache_for_anonymous
def lesson(request, slug):
    lessons = Lesson.objects.visible_to(request.user)
    lesson = get_object_or_404(lessons.prefetch_related("references"), slug=slug)
    siblings = list(lessons.only("title", "slug", "order"))
    index = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    quiz = lesson.quizzes.visible_to(request.user).only("title", "slug").first()
    is_complete = False
    if not is_cacheable(request):
        progress = Progress(request)
        is_complete = lesson.pk in progress.completed_lesson_ids()
        progress.visit(lesson)
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
