from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "stressed.classes"
    label = "classes"
    verbose_name = "Classes (instructors, students, assignments)"
