from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from stressed.core.models import FileBacked, PublicContent


class LessonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Drafts are visible to the roles that read lessons (instructors, glossary editors,
        admins) and superusers: not to a bare staff flag. Students are never staff, so for
        them this costs no permission query."""
        if user.is_authenticated and user.is_staff and user.has_perm("lessons.view_lesson"):
            return self
        return self.filter(published=True)


class Lesson(FileBacked):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the URL.")
    order = models.PositiveIntegerField(
        default=0, help_text="Position in the curriculum; lower comes first."
    )
    summary = models.TextField(help_text="One or two sentences for the index and lesson top.")
    objectives = models.TextField(
        help_text="Learning objectives, one per line, each starting with a measurable verb."
    )
    key_points = models.TextField(blank=True, help_text="Summary-box bullets, one per line.")
    body = MarkdownxField(
        help_text="Markdown. Give every ## and ### heading a stable id: ## Title {#some-id}."
    )
    body_html = models.TextField(
        editable=False, blank=True, help_text="Sanitized HTML rendered from the body."
    )
    linked_html = models.TextField(
        editable=False, blank=True, help_text="body_html with glossary terms linked."
    )
    toc = models.JSONField(default=list, editable=False, blank=True)
    key_terms = models.ManyToManyField(
        "glossary.Term",
        blank=True,
        related_name="key_in_lessons",
        help_text="Glossary terms this lesson teaches.",
    )
    published = models.BooleanField(default=False, help_text="Drafts are visible to staff only.")
    last_reviewed = models.DateField(help_text="When an expert last checked the content.")

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lesson", args=[self.slug])

    @property
    def objective_list(self):
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    @property
    def key_point_list(self):
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]

    def section_ids(self):
        ids = []

        def walk(items):
            for item in items:
                ids.append(item["id"])
                walk(item["children"])

        walk(self.toc)
        return ids


class Reference(PublicContent, models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="references")
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=20, blank=True, help_text="Short id, e.g. R13.")
    citation = models.TextField(help_text="Authors. Title. Journal. Year;volume(issue):pages.")
    doi = models.CharField(max_length=200, blank=True, help_text="DOI without https://doi.org/.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.citation[:80]

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""
