"""Lessons render on every save, and re-link exactly the lessons a glossary term touches when
the term changes. The work is in stressed.lessons.services."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from stressed.glossary.linking import record_occurrences, relinking_deferred
from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.lessons.services import lessons_using, relink_lessons, render_lesson


@receiver(pre_save, sender=Lesson)
def render_before_save(sender, instance, raw=False, **kwargs):
    # Render the Markdown once, on save; pages read the stored HTML.
    if not raw:
        instance.occurrences_to_record = render_lesson(instance)


@receiver(post_save, sender=Lesson)
def record_after_save(sender, instance, raw=False, **kwargs):
    occurrences = getattr(instance, "occurrences_to_record", None)
    if not raw and occurrences is not None:
        record_occurrences(instance, occurrences)
        instance.occurrences_to_record = None


@receiver(post_save, sender=Term)
def relink_after_term_save(sender, instance, raw=False, **kwargs):
    if raw or relinking_deferred():
        return
    relink_lessons(lessons_using(instance))


@receiver(pre_delete, sender=Term)
def remember_lessons_before_term_delete(sender, instance, **kwargs):
    instance.lessons_to_relink = list(instance.occurrences.values_list("lesson_id", flat=True))


@receiver(post_delete, sender=Term)
def relink_after_term_delete(sender, instance, **kwargs):
    if relinking_deferred():
        return
    relink_lessons(Lesson.objects.filter(pk__in=getattr(instance, "lessons_to_relink", [])))
