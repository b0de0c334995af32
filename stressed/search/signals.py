"""Every save or delete of a lesson, term or quiz updates its search entries at once (the
loader and the admin both save through these models, so both keep the index in step)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.quizzes.models import Quiz
from stressed.search import index
from stressed.search.models import Entry


@receiver(post_save, sender=Lesson, dispatch_uid="search-lesson-save")
def lesson_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index.index_lesson(instance)
        # A lesson's title and order show beside its quiz.
        for quiz in instance.quizzes.all():
            index.index_quiz(quiz)


@receiver(post_save, sender=Term, dispatch_uid="search-term-save")
def term_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index.index_term(instance)


@receiver(post_save, sender=Quiz, dispatch_uid="search-quiz-save")
def quiz_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index.index_quiz(instance)


@receiver(post_delete, sender=Lesson, dispatch_uid="search-lesson-delete")
def lesson_deleted(sender, instance, **kwargs):
    index.unindex(Entry.Kind.SECTION, instance.pk)


@receiver(post_delete, sender=Term, dispatch_uid="search-term-delete")
def term_deleted(sender, instance, **kwargs):
    index.unindex(Entry.Kind.TERM, instance.pk)


@receiver(post_delete, sender=Quiz, dispatch_uid="search-quiz-delete")
def quiz_deleted(sender, instance, **kwargs):
    index.unindex(Entry.Kind.QUIZ, instance.pk)
