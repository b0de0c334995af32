"""Keep lesson links in step with the glossary: re-link exactly the lessons a term touches."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from stressed.glossary.linking import lessons_using, relink_lessons, relinking_deferred
from stressed.glossary.models import Term


@receiver(post_save, sender=Term)
def relink_after_save(sender, instance, raw=False, **kwargs):
    if raw or relinking_deferred():
        return
    relink_lessons(lessons_using(instance))


@receiver(pre_delete, sender=Term)
def remember_lessons_before_delete(sender, instance, **kwargs):
    instance._lessons_to_relink = list(instance.occurrences.values_list("lesson_id", flat=True))


@receiver(post_delete, sender=Term)
def relink_after_delete(sender, instance, **kwargs):
    if relinking_deferred():
        return
    from stressed.lessons.models import Lesson

    relink_lessons(Lesson.objects.filter(pk__in=getattr(instance, "_lessons_to_relink", [])))
