from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "stressed.search"
    label = "search"

    def ready(self):
        from stressed.search import signals  # noqa: F401
