from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from stressed.core.models import FileBacked
from stressed.glossary.normalize import compact
from stressed.markdown import render


class Term(FileBacked):
    class Category(models.TextChoices):
        TRANSMITTER = "transmitter", "Transmitter"
        HORMONE = "hormone", "Hormone"
        PRECURSOR = "precursor", "Precursor"
        RECEPTOR = "receptor", "Receptor"
        ENZYME = "enzyme", "Enzyme"
        TRANSPORTER = "transporter", "Transporter or carrier"
        ANATOMY = "anatomy", "Anatomy"
        DRUG = "drug", "Drug"
        PROCESS = "process", "Process"
        CONDITION = "condition", "Condition"
        METHOD = "method", "Research method"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.TextField(
        blank=True,
        help_text="Other names matched in lessons, one per line (e.g. noradrenaline, α1). "
        "Short all-capital aliases (NE, NET) match case-sensitively.",
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    short = models.CharField(
        "short definition", max_length=240, help_text="One sentence, shown in popovers."
    )
    definition = MarkdownxField(help_text="Full definition in Markdown.")
    definition_html = models.TextField(editable=False, blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    references = models.TextField(blank=True, help_text="Citations, one per line.")
    search_names = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("term", args=[self.slug])

    @property
    def alias_list(self):
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    @property
    def reference_list(self):
        return [r.strip() for r in self.references.splitlines() if r.strip()]

    @property
    def letter(self):
        first = compact(self.name)[:1].upper()
        return first if first.isalpha() else "#"

    def save(self, *args, **kwargs):
        self.definition_html = render(self.definition)
        # Normalized copies so search can match "α1", "alpha-1" and "alpha 1" alike.
        self.search_names = "|" + "|".join(compact(n) for n in [self.name, *self.alias_list]) + "|"
        self.search_text = compact(f"{self.short} {self.definition}")
        super().save(*args, **kwargs)


class Occurrence(models.Model):
    """Where a term is linked in a lesson: powers the term page's "appears in" list and
    tells us exactly which lessons to re-link when a term changes."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="occurrences")
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="term_occurrences"
    )
    section_id = models.CharField(max_length=100, blank=True)
    section_title = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["lesson__order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "lesson", "section_id"], name="one_occurrence_per_section"
            )
        ]

    def __str__(self):
        return f"{self.term} in {self.lesson} #{self.section_id}"
