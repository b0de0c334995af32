from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "stressed.glossary"
    label = "glossary"
