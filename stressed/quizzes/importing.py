"""Storing questions read from a Moodle file (GIFT or Moodle XML) on a quiz: the part of an
import that does not depend on the format.

A reader returns an object with `questions` (QuestionData), `warnings` (strings) and
`images` (name → bytes of images already checked and re-encoded, see
stressed.core.uploads.clean_image); `import_into_quiz` checks the quiz-level rules, stores the
images, then writes the questions in one transaction. All or nothing: any problem raises
ContentError and nothing is written to the database.
"""

import hashlib
import re

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from stressed.content.errors import ContentError, Problems
from stressed.content.lint import lint_quiz
from stressed.content.questions import MAX_QUESTIONS
from stressed.core.images import store_image
from stressed.quizzes.models import Quiz
from stressed.quizzes.writer import prepare_questions, write_questions

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_KEY = 100


def give_keys(questions):
    """A stable key for every question, so re-importing a file matches questions by key and
    never by position: the key the reader found (GIFT's `// key:`, Moodle XML's idnumber,
    made a slug if it is not one), else the title as a slug, else the prompt's fingerprint.
    Repeats are numbered in file order."""
    seen = set()
    for question in questions:
        base = question.key if SLUG.match(question.key or "") else slugify(question.key or "")
        base = base[:90] or slugify(question.title)[:90]
        if not base:
            digest = hashlib.sha256(" ".join(question.prompt.split()).encode()).hexdigest()
            base = f"q-{digest[:12]}"
        key, n = base, 1
        while key in seen:
            n += 1
            key = f"{base}-{n}"
        question.key = key
        seen.add(key)


def lint_warnings(questions, source):
    """Item-writing findings as report lines: a file from Moodle is imported as a draft even
    when an item breaks a rule, and the admin refuses to save it until it is fixed."""
    warnings = []
    for question, findings in lint_quiz(questions):
        where = f'question "{question.title}": ' if question.title else "question: "
        warnings += [
            f"{source}:{question.line}: {where}item-writing "
            f"{'error (fix it before publishing)' if f.is_error else 'warning'}: {f.message}"
            for f in findings
        ]
    return warnings


def import_into_quiz(result, quiz=None, *, title="", slug="", source="upload", lesson=None):
    """Store `result`'s questions: on a new draft quiz (`quiz` None; needs `title` and
    `slug`), or replacing the questions of `quiz`. Raises ContentError with every problem and
    stores nothing. Returns (quiz, result)."""
    problems = Problems()
    if not result.questions:
        problems.add(source, 1, "no questions to import (descriptions and essays are skipped)")
    if len(result.questions) > MAX_QUESTIONS:
        problems.add(
            source,
            1,
            f"a quiz has at most {MAX_QUESTIONS} questions; this file has {len(result.questions)}",
        )
    if quiz is None:
        if not title:
            problems.add(source, 1, "the new quiz needs a title")
        if not slug or not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", slug):
            problems.add(source, 1, "the new quiz needs a slug of letters, digits and hyphens")
        elif Quiz.objects.filter(slug=slug).exists():
            problems.add(source, 1, f"a quiz with the slug {slug!r} already exists")
    if problems:
        raise ContentError(problems)
    lesson = lesson or (quiz.lesson if quiz else None)
    if lesson is not None:
        sections = set(lesson.section_ids())
        for q in result.questions:
            if q.review and q.review not in sections:
                result.warnings.append(
                    f"{source}:{q.line}: review id {q.review!r} is not a "
                    f"heading id in lesson {lesson.slug!r}"
                )
    # Images are stored under their content's hash, so an import that fails below leaves at
    # most files that the next attempt reuses.
    for name, content in getattr(result, "images", {}).items():
        store_image(name, content)
    prepared = prepare_questions(result.questions)  # Markdown rendered outside the transaction
    try:
        with transaction.atomic():
            if quiz is None:
                quiz = Quiz(title=title, slug=slug, published=False)
            elif title:
                quiz.title = title
            quiz.lesson = lesson
            # Marked as an admin edit, so the content loader never overwrites the import.
            quiz.edited_in_admin = True
            quiz.save()
            result.written = write_questions(quiz, prepared)
    except IntegrityError:  # the slug was taken meanwhile
        problems.add(source, 1, f"a quiz with the slug {slug!r} already exists")
        raise ContentError(problems) from None
    return quiz, result
