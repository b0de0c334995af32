"""What the home and lesson pages show a student about their own progress ("Continue: lesson
3, Receptors", each lesson's status, flashcards due; a lesson's standing). Registered with
`stressed.lessons.personal` by ProgressConfig.ready, and used by the home page's private
fragment (`views.home_progress`)."""

from stressed.progress.flashcards import Deck
from stressed.progress.mastery import curriculum_progress, lesson_standing
from stressed.progress.store import Progress


def section_of(lesson, section_id):
    """{"id", "title"} of a heading in the lesson's table of contents, or None."""
    items = list(lesson.toc)
    while items:
        item = items.pop(0)
        if item["id"] == section_id:
            return {"id": item["id"], "title": item["title"]}
        items.extend(item.get("children", []))
    return None


def home_context(request, lessons):
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


def lesson_context(request, lesson):
    standing = lesson_standing(Progress(request), lesson)
    return {"is_complete": standing.completed, "standing": standing}
