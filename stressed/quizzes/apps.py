from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "stressed.quizzes"
    label = "quizzes"
