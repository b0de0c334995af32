from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "stressed.classes"
    label = "classes"
    verbose_name = "Classes (instructors, students, assignments)"

    def ready(self):
        # The quiz flow asks its policy hook and never imports this app (layers).
        from stressed.classes.policy import ClassQuizPolicy
        from stressed.quizzes import policy

        policy.register(ClassQuizPolicy())
