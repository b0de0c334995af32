from django.apps import AppConfig


class ContentConfig(AppConfig):
    """The curriculum as files (content/): the rules every source keeps (fields, questions,
    the item-writing linter) and the loader with its `load_content` command. No models."""

    name = "stressed.content"
    label = "content"
