from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "stressed.lessons"
    label = "lessons"

    def ready(self):
        from stressed.lessons import signals  # noqa: F401  (connects the receivers)
