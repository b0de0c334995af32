from django.apps import AppConfig
from django.db.models.signals import post_migrate


def fill_empty_index(sender, using="default", **kwargs):
    """A database migrated before search existed gets its index once, after `migrate`."""
    from stressed.lessons.models import Lesson
    from stressed.search.index import rebuild
    from stressed.search.models import Entry

    if not Entry.objects.using(using).exists() and Lesson.objects.using(using).exists():
        rebuild()


class SearchConfig(AppConfig):
    name = "stressed.search"
    label = "search"

    def ready(self):
        from stressed.search import signals  # noqa: F401

        post_migrate.connect(fill_empty_index, sender=self, dispatch_uid="search-fill-index")
