from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "stressed.glossary"
    label = "glossary"

    def ready(self):
        from stressed.glossary import signals  # noqa: F401
