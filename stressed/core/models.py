from django.db import models


class PublicContent:
    """Marks a model whose rows appear on public pages (lessons, glossary, quizzes).

    Saving or deleting a row of any model that inherits this bumps the content version that
    keys the page cache (connected for every such model in CoreConfig.ready), so there is no
    list of models to keep up to date: a new content model declares itself by inheriting it.
    A plain mixin with no fields, so adding it changes no migration."""


class FileBacked(PublicContent, models.Model):
    """Content that can come from `content/` files and also be edited in the admin.

    The loader records a hash of the file it loaded. A save through the admin sets
    `edited_in_admin`, and the loader then refuses to overwrite that object from a changed file
    unless told to with --force (see docs/content-format.md, "Admin edits").
    """

    source_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the content file this was last loaded from (empty if never).",
    )
    edited_in_admin = models.BooleanField(
        default=False,
        help_text="Set when saved in the admin: the content loader will not overwrite it "
        "from a changed file without --force.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ContentVersion(models.Model):
    """One row, bumped by every content change: the key of every cached page.

    It lives in the database, the one place every process and host agrees on. How a process
    reads it (through a shared cache, or remembered for up to a second with a per-process
    cache) is in stressed/core/cache.py."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"content version {self.version}"
