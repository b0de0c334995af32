"""Load the curriculum from `content/` into the database: validate everything, then write
everything in one transaction, or nothing at all.

Admin edits policy: an object saved in the admin is marked `edited_in_admin`. When its file
changes later, the loader keeps the admin's version and reports it as kept, unless run with
`force=True`, which overwrites it from the file and clears the mark. Unchanged files are
skipped, so loading twice writes nothing the second time. Objects that exist only in the
database (made in the admin) are left alone.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stressed.content.errors import ContentError, Problems
from stressed.content.glossary import parse_glossary_file
from stressed.content.lessons import parse_lesson
from stressed.content.lint import bank_figures, lint_quiz
from stressed.content.quizzes import parse_quiz_file
from stressed.glossary.labels import claim, clashes, taken_labels
from stressed.glossary.linking import defer_relinking
from stressed.glossary.models import Term
from stressed.lessons.models import Lesson, Reference
from stressed.lessons.services import publish_lesson, relink_lessons
from stressed.quizzes.models import Quiz
from stressed.quizzes.writer import prepare_questions, write_questions


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # admin edits we refused to overwrite
    warnings: list = field(default_factory=list)  # item-writing warnings, "path:line: …"
    figures: dict = field(default_factory=dict)  # the quiz bank's figures (content/lint.py)

    def summary(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept)} kept (edited in the admin)"
        )


def default_root():
    return Path(getattr(settings, "CONTENT_DIR", settings.BASE_DIR / "content"))


def _display(path, root):
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _unique_labels(terms, problems):
    """Each name or alias (normalised) belongs to one term, across the files and the terms
    that exist only in the database (made in the admin)."""

    taken = taken_labels(exclude_slugs={term.slug for term in terms})
    for term in terms:
        for message in clashes(term.name, term.aliases, taken):
            problems.add(term.path, term.line, f"term {term.slug!r}: {message}")
        claim(term.name, term.aliases, taken)


def parse_all(root: Path):
    """Parse and cross-check every file. Raises ContentError listing every problem."""
    problems = Problems()
    terms, term_slugs = _parse_terms(root, problems)
    lessons = _parse_lessons(root, problems, term_slugs)
    quizzes = _parse_quizzes(root, problems, lessons)
    if problems:
        raise ContentError(problems)
    return terms, lessons, quizzes


def _parse_terms(root, problems):

    categories = set(Term.Category.values)
    terms = []
    for path in sorted((root / "glossary").glob("*.yaml")):
        terms += parse_glossary_file(path, problems, categories, _display(path, root))
    term_slugs = {t.slug for t in terms} | set(Term.objects.values_list("slug", flat=True))
    seen = {}
    for term in terms:
        if term.slug in seen:
            problems.add(
                term.path,
                term.line,
                f"duplicate term slug {term.slug!r} (also at {seen[term.slug]})",
            )
        seen[term.slug] = f"{term.path}:{term.line}"
        for slug in term.related:
            if slug not in term_slugs:
                problems.add(term.path, term.related_line, f"related term {slug!r} does not exist")
    _unique_labels(terms, problems)
    return terms, term_slugs


def _parse_lessons(root, problems, term_slugs):
    lessons = []
    for path in sorted((root / "lessons").glob("*.md")):
        lesson = parse_lesson(path, problems, _display(path, root))
        if lesson:
            lessons.append(lesson)
            for slug in lesson.key_terms:
                if slug not in term_slugs:
                    problems.add(
                        lesson.path,
                        lesson.key_terms_line,
                        f"key term {slug!r} is not in the glossary",
                    )
    _unique(lessons, "slug", problems)
    _unique(lessons, "order", problems)
    return lessons


def _parse_quizzes(root, problems, lessons):

    sections = {lesson.slug: lesson.section_ids for lesson in lessons}
    for lesson in Lesson.objects.exclude(slug__in=sections):
        sections[lesson.slug] = set(lesson.section_ids())
    quizzes = []
    for path in sorted((root / "quizzes").glob("*.yaml")):
        quiz = parse_quiz_file(path, problems, _display(path, root))
        if not quiz:
            continue
        quizzes.append(quiz)
        if quiz.lesson and quiz.lesson not in sections:
            problems.add(quiz.path, quiz.lesson_line, f"lesson {quiz.lesson!r} does not exist")
        for question in quiz.questions:
            if quiz.lesson in sections and question.review not in sections[quiz.lesson]:
                problems.add(
                    quiz.path,
                    question.line,
                    f"review id {question.review!r} is not a heading id in lesson {quiz.lesson!r}",
                )
    _unique(quizzes, "slug", problems)
    return quizzes


def _unique(items, attribute, problems):
    seen = {}
    for item in items:
        key = getattr(item, attribute)
        if key in seen:
            problems.add(item.path, 1, f"duplicate {attribute} {key!r} (also in {seen[key]})")
        seen[key] = item.path


def _decide(obj, source_hash, force, report, label):
    """Return True if `obj` (None for new) should be written from its file."""
    if obj is None:
        report.created.append(label)
        return True
    if obj.source_hash == source_hash and not (force and obj.edited_in_admin):
        report.unchanged.append(label)
        return False
    if obj.edited_in_admin and not force:
        report.kept.append(label)
        return False
    report.updated.append(label)
    return True


def load_content(root: Path | None = None, check_only=False, force=False) -> Report:
    root = Path(root or default_root())
    terms, lessons, quizzes = parse_all(root)
    report = Report(figures=bank_figures(quizzes))
    for quiz in quizzes:
        for question, findings in lint_quiz(quiz.questions):
            report.warnings += [
                f"{quiz.path}:{question.line}: warning: {f.message}"
                for f in findings
                if not f.is_error
            ]
    if check_only:
        report.unchanged = [t.slug for t in terms] + [x.slug for x in lessons + quizzes]
        return report
    # Render quiz Markdown before the transaction, so the write lock is held only to write.
    prepared = _prepare_changed_quizzes(quizzes, force)
    with transaction.atomic(), defer_relinking():
        changed_terms = _apply_terms(terms, force, report)
        changed_lessons = _apply_lessons(lessons, force, report)
        _apply_quizzes(quizzes, prepared, force, report)
        if changed_terms:
            relink_lessons(Lesson.objects.exclude(slug__in=changed_lessons))
    return report


def _apply_terms(terms, force, report):

    existing = {t.slug: t for t in Term.objects.all()}
    written = []
    for data in terms:
        term = existing.get(data.slug)
        if not _decide(term, data.source_hash, force, report, f"term {data.slug}"):
            continue
        term = term or Term(slug=data.slug)
        term.name, term.category, term.short = data.name, data.category, data.short
        term.aliases = "\n".join(data.aliases)
        term.definition = data.definition
        term.references = "\n".join(data.references)
        term.source_hash, term.edited_in_admin = data.source_hash, False
        term.save()
        existing[data.slug] = term
        written.append(data)
    for data in written:
        existing[data.slug].related.set([existing[s] for s in data.related])
    return [d.slug for d in written]


def _apply_lessons(lessons, force, report):

    existing = {x.slug: x for x in Lesson.objects.all()}
    written = []
    for data in lessons:
        lesson = existing.get(data.slug)
        if not _decide(lesson, data.source_hash, force, report, f"lesson {data.slug}"):
            continue
        lesson = lesson or Lesson(slug=data.slug)
        for name in ("title", "order", "summary", "body", "last_reviewed", "published"):
            setattr(lesson, name, getattr(data, name))
        lesson.objectives = "\n".join(data.objectives)
        lesson.key_points = "\n".join(data.key_points)
        lesson.source_hash, lesson.edited_in_admin = data.source_hash, False
        publish_lesson(lesson)
        lesson.key_terms.set(Term.objects.filter(slug__in=data.key_terms))
        lesson.references.all().delete()
        Reference.objects.bulk_create(
            [Reference(lesson=lesson, order=i, **ref) for i, ref in enumerate(data.references)]
        )
        written.append(data.slug)
    return written


def _prepare_changed_quizzes(quizzes, force):

    stored = dict(Quiz.objects.values_list("slug", "source_hash"))
    return {
        data.slug: prepare_questions(data.questions)
        for data in quizzes
        if force or stored.get(data.slug) != data.source_hash
    }


def _apply_quizzes(quizzes, prepared, force, report):

    existing = {q.slug: q for q in Quiz.objects.all()}
    lessons = {x.slug: x for x in Lesson.objects.all()}
    for data in quizzes:
        quiz = existing.get(data.slug)
        if not _decide(quiz, data.source_hash, force, report, f"quiz {data.slug}"):
            continue
        quiz = quiz or Quiz(slug=data.slug)
        quiz.title, quiz.intro, quiz.published = data.title, data.intro, data.published
        quiz.lesson = lessons.get(data.lesson)
        quiz.source_hash, quiz.edited_in_admin = data.source_hash, False
        quiz.save()
        questions = prepared.get(data.slug) or prepare_questions(data.questions)
        outcome = write_questions(quiz, questions)
        if outcome.versioned or outcome.retired:
            report.warnings.append(f"quiz {data.slug}: {outcome.summary()}")
