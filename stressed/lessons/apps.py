from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "stressed.lessons"
    label = "lessons"
