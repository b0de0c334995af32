from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "stressed.progress"
    label = "progress"
