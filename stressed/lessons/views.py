from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from stressed.core.caching import is_logged_in, public_page
from stressed.lessons.models import Lesson
from stressed.lessons.personal import home_context, lesson_context

HOME_FIELDS = ("title", "slug", "order", "summary", "published", "toc")


@require_safe
@public_page
def home(request):
    lessons = list(Lesson.objects.visible_to(request.user).only(*HOME_FIELDS))
    context = {"lessons": lessons, "cards": [(lesson, None) for lesson in lessons]}
    if is_logged_in(request):  # everyone else gets the public page; see home_progress
        context.update(home_context(request, lessons), personal=True)
    return render(request, "lessons/home.html", context)


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
        # "mark complete" from progress.views.lesson_progress; either way the fragment's
        # forms POST the visit and the end of the lesson (no GET writes).
        context.update(lesson_context(request, lesson), personal=True)
    return render(request, "lessons/lesson.html", context)
