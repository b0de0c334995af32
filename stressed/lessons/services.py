"""Lesson business logic, called by signals on every save (the admin, the content loader,
scripts) and by the loader and glossary changes directly: Markdown rendered once and stored,
glossary terms linked, and where each term occurs recorded.

Lessons sit above the glossary in the layers: the glossary knows nothing of lessons, and the
lessons re-link themselves when a term changes (stressed/lessons/signals.py)."""

from stressed.glossary.linking import Matcher, link_terms, record_occurrences
from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.markdown import render_document


def render_lesson(lesson):
    """Render `lesson`'s Markdown and link its glossary terms, onto the unsaved instance.
    Returns the term occurrences to record once the lesson is saved."""
    rendered = render_document(lesson.body)
    lesson.body_html = rendered.html
    lesson.toc = rendered.toc
    linked = link_terms(lesson.body_html)
    lesson.linked_html = linked.html
    return linked.occurrences


def publish_lesson(lesson):
    """Render and save `lesson`, and record where its terms occur."""
    lesson.save()  # the pre_save and post_save receivers render and record
    return lesson


def relink_lessons(lessons):
    """Re-link already-rendered lessons without re-rendering their Markdown."""
    matcher = Matcher.for_terms(Term.objects.all())
    count = 0
    for lesson in lessons:
        linked = link_terms(lesson.body_html, matcher)
        Lesson.objects.filter(pk=lesson.pk).update(linked_html=linked.html)
        record_occurrences(lesson, linked.occurrences)
        count += 1
    return count


def lessons_using(term, extra_lesson_ids=()):
    """Lessons that link the term now, or whose text mentions one of its current labels."""
    ids = set(extra_lesson_ids) | set(term.occurrences.values_list("lesson_id", flat=True))
    only_this = Matcher.for_terms([term])
    for lesson in Lesson.objects.exclude(pk__in=ids).only("pk", "body_html"):
        if only_this.pattern and only_this.pattern.search(lesson.body_html):
            ids.add(lesson.pk)
    return Lesson.objects.filter(pk__in=ids)
