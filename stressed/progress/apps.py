from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "stressed.progress"
    label = "progress"

    def ready(self):
        # The home and lesson pages (a lower layer) show a student's progress through these.
        from stressed.lessons import personal
        from stressed.progress import home

        personal.home_providers.append(home.home_context)
        personal.lesson_providers.append(home.lesson_context)
