from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from stressed.core.caching import is_logged_in, public_page
from stressed.lessons.models import Lesson
from stressed.progress.flashcards import Deck
from stressed.progress.mastery import curriculum_progress, lesson_standing
from stressed.progress.store import Progress

HOME_FIELDS = ("title", "slug", "order", "summary", "published", "toc")


@require_safe
@public_page
def home(request):
    lessons = list(Lesson.objects.visible_to(request.user).only(*HOME_FIELDS))
    context = {"lessons": lessons, "cards": [(lesson, None) for lesson in lessons]}
    if is_logged_in(request):  # everyone else gets the public page; see home_progress
        context.update(progress_context(request, lessons), personal=True)
    return render(request, "lessons/home.html", context)


def section_of(lesson, section_id):
    """{"id", "title"} of a heading in the lesson's table of contents, or None."""
    items = list(lesson.toc)
    while items:
        item = items.pop(0)
        if item["id"] == section_id:
            return {"id": item["id"], "title": item["title"]}
        items.extend(item.get("children", []))
    return None


def progress_context(request, lessons):
    progress = Progress(request)
    rows = curriculum_progress(progress, lessons)
    last, section_id = progress.last_position()
    continue_lesson = next((x for x in lessons if x.pk == last), None)
    return {
        "completed": {row.lesson.slug for row in rows if row.completed},
        "cards": [(row.lesson, row) for row in rows],
        "continue_lesson": continue_lesson,
        "continue_section": section_of(continue_lesson, section_id) if continue_lesson else None,
        "due_cards": len(Deck(progress).due_term_ids()),
    }


@require_safe
@vary_on_headers("HX-Request")
def home_progress(request):
    """The home page's personal part ("Continue: lesson 3, Receptors", lessons read, cards
    due, and each lesson card's status), which the public home page fetches for visitors
    with a session. Private."""
    lessons = list(Lesson.objects.visible_to(request.user).only(*HOME_FIELDS))
    context = {"lessons": lessons, **progress_context(request, lessons), "personal": True}
    if request.htmx:
        return render(request, "lessons/home_progress.html#fragment", context)
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
        # "mark complete" from progress.views.lesson_progress; either way the fragment's
        # forms POST the visit and the end of the lesson (no GET writes).
        standing = lesson_standing(Progress(request), lesson)
        context.update(personal=True, is_complete=standing.completed, standing=standing)
    return render(request, "lessons/lesson.html", context)
