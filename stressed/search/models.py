from django.db import models


class Entry(models.Model):
    """One searchable piece of the site: a lesson section, a glossary term or a quiz intro.

    Rows are written by `stressed.search.index` whenever the content they come from is saved
    or deleted; nobody edits them by hand. On SQLite an FTS5 table (`search_entry_fts`, made by
    migration 0002) mirrors `index_title` and `index_body` through triggers; on PostgreSQL the
    same columns are searched with full-text search and trigram similarity."""

    class Kind(models.TextChoices):
        SECTION = "section", "Lesson"
        TERM = "term", "Glossary"
        QUIZ = "quiz", "Quiz"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.PositiveIntegerField(help_text="The lesson, term or quiz it comes from.")
    anchor = models.CharField(max_length=100, blank=True, help_text="The heading id, if any.")
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    context = models.CharField(max_length=300, blank=True, help_text="e.g. the lesson's title.")
    body = models.TextField(blank=True, help_text="Plain text, shown in snippets.")
    index_title = models.TextField(blank=True, help_text="The title, folded for matching.")
    index_body = models.TextField(blank=True, help_text="The body, folded for matching.")
    published = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within the source.")

    class Meta:
        db_table = "search_entry"
        indexes = [models.Index(fields=["kind", "source_id"], name="search_entr_kind_6f1f2b_idx")]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"{self.kind}: {self.title}"
