from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "stressed.lti"
    label = "lti"
    verbose_name = "LTI 1.3 (teaching inside an LMS)"

    def ready(self):
        # The quiz flow sends `attempt_finished` and never imports this app (quizzes/signals.py).
        from stressed.lti.grades import on_attempt_finished
        from stressed.quizzes.signals import attempt_finished

        attempt_finished.connect(on_attempt_finished, dispatch_uid="stressed.lti.grades")
