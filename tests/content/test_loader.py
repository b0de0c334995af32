"""The content loader: idempotent, atomic, `file:line` errors, and the admin-edit policy."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stressed.content.errors import ContentError
from stressed.content.loader import load_content
from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.quizzes.models import Choice, Question, Quiz

LESSON = """\
---
title: "A test lesson"
slug: test-lesson
order: 1
summary: A short summary.
objectives:
  - Describe the thing.
  - Explain the other thing.
  - Compare both things.
key_terms: [test-term]
key_points:
  - One point.
references:
  - id: R1
    text: "Author A. A title. A Journal. 2020;1(1):1-2."
    doi: "10.1000/test"
last_reviewed: 2026-11-22
published: true
---

Intro about the Test term.

## First section {#first}

Body text.
"""

GLOSSARY = """\
- slug: test-term
  name: Test term
  aliases: [TT]
  category: process
  short: A term used by the tests.
  definition: |
    A **full** definition.
  related: []
"""

QUIZ = """\
lesson: test-lesson
slug: test-quiz
title: Test quiz
published: true
questions:
  - key: which
    type: single
    prompt: Which?
    review: first
    explanation: Because.
    choices:
      - {text: Right, fraction: 1, feedback: Yes.}
      - {text: Wrong, fraction: 0, feedback: No., misconception: a-myth}
  - key: true-or-not
    type: truefalse
    prompt: True?
    review: first
    explanation: Indeed.
    answer: true
"""


def write_tree(root: Path, lesson=LESSON, glossary=GLOSSARY, quiz=QUIZ):
    for folder in ("lessons", "glossary", "quizzes"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "lessons" / "01-test-lesson.md").write_text(lesson, encoding="utf-8")
    (root / "glossary" / "terms.yaml").write_text(glossary, encoding="utf-8")
    (root / "quizzes" / "test-lesson.yaml").write_text(quiz, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path, db):
    return write_tree(tmp_path / "content")


def snapshot():
    return (
        list(
            Lesson.objects.values_list("slug", "title", "body_html", "linked_html", "source_hash")
        ),
        list(Term.objects.values_list("slug", "short", "source_hash")),
        list(Quiz.objects.values_list("slug", "title")),
        list(Question.objects.values_list("pk", "prompt")),
        list(Choice.objects.values_list("pk", "text", "fraction")),
    )


def test_loads_everything_and_links_terms(tree):
    report = load_content(tree)
    assert len(report.created) == 3
    lesson = Lesson.objects.get(slug="test-lesson")
    assert lesson.objective_list == [
        "Describe the thing.",
        "Explain the other thing.",
        "Compare both things.",
    ]
    assert lesson.references.get().doi == "10.1000/test"
    assert list(lesson.key_terms.values_list("slug", flat=True)) == ["test-term"]
    assert 'href="/glossary/test-term/"' in lesson.linked_html
    quiz = Quiz.objects.get(slug="test-quiz")
    assert quiz.lesson == lesson
    assert [q.type for q in quiz.questions.all()] == ["single", "truefalse"]
    assert quiz.questions.first().choices.get(text="Wrong").misconception == "a-myth"


def test_loading_twice_changes_nothing(tree):
    load_content(tree)
    before = snapshot()
    report = load_content(tree)
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == 3
    assert snapshot() == before


def test_changed_file_updates_in_place_keeping_ids(tree):
    load_content(tree)
    question_ids = list(Question.objects.values_list("pk", flat=True))
    (tree / "quizzes" / "test-lesson.yaml").write_text(
        QUIZ.replace("Which?", "Which one?"), encoding="utf-8"
    )
    report = load_content(tree)
    assert report.updated == ["quiz test-quiz"]
    assert list(Question.objects.values_list("pk", flat=True)) == question_ids
    assert Question.objects.get(pk=question_ids[0]).prompt == "Which one?"


def test_check_mode_writes_nothing(tree):
    call_command("load_content", "--root", str(tree), "--check")
    assert not Lesson.objects.exists() and not Term.objects.exists()


def test_admin_edits_are_kept_unless_forced(tree):
    load_content(tree)
    lesson = Lesson.objects.get(slug="test-lesson")
    lesson.title = "Edited by an admin"
    lesson.edited_in_admin = True
    lesson.save()
    (tree / "lessons" / "01-test-lesson.md").write_text(
        LESSON.replace("A test lesson", "From the file"), encoding="utf-8"
    )
    report = load_content(tree)
    assert report.kept == ["lesson test-lesson"]
    assert Lesson.objects.get(slug="test-lesson").title == "Edited by an admin"
    report = load_content(tree, force=True)
    assert report.updated == ["lesson test-lesson"]
    lesson = Lesson.objects.get(slug="test-lesson")
    assert lesson.title == "From the file" and not lesson.edited_in_admin


BAD_FILES = [
    # (which file, replace this, with this, expected "file:line: message" fragment)
    (
        "lessons",
        'title: "A test lesson"\n',
        "title: [unclosed\n",
        "01-test-lesson.md:3: YAML syntax error",
    ),
    ("lessons", "---\ntitle", "title", "01-test-lesson.md:1: a lesson must start with '---'"),
    (
        "lessons",
        "order: 1\n",
        "order: first\n",
        "01-test-lesson.md:4: 'order' must be a whole number",
    ),
    ("lessons", "  - Compare both things.\n", "", "'objectives' needs at least 3 item(s)"),
    (
        "lessons",
        "key_terms: [test-term]",
        "key_terms: [no-such-term]",
        "01-test-lesson.md:10: key term 'no-such-term' is not in the glossary",
    ),
    (
        "lessons",
        "last_reviewed: 2026-11-22",
        "last_reviewed: yesterday",
        "'last_reviewed' must be a date",
    ),
    (
        "lessons",
        "## First section {#first}",
        "## First section",
        "01-test-lesson.md:23: every ## and ### heading needs a stable id",
    ),
    (
        "lessons",
        "Body text.",
        '<img src="/static/img/missing.svg" alt="x">',
        "01-test-lesson.md:25: image '/static/img/missing.svg' does not exist",
    ),
    ("lessons", "published: true", "published: true\nsurprise: 1", "unknown field(s) surprise"),
    ("glossary", "category: process", "category: vibes", "terms.yaml:4: unknown category 'vibes'"),
    (
        "glossary",
        "  related: []",
        "  related: [ghost]",
        "terms.yaml:8: related term 'ghost' does not exist",
    ),
    (
        "glossary",
        "  short: A term used by the tests.\n",
        "",
        "terms.yaml:1: missing required field 'short'",
    ),
    (
        "quizzes",
        "review: first\n    explanation: Because.",
        "review: nowhere\n    explanation: Because.",
        "test-lesson.yaml:6: review id 'nowhere' is not a heading id",
    ),
    (
        "quizzes",
        "{text: Right, fraction: 1, feedback: Yes.}",
        "{text: Right, fraction: 0.5, feedback: Yes.}",
        "test-lesson.yaml:6: a single-choice question needs exactly one option with fraction 1",
    ),
    (
        "quizzes",
        "type: truefalse",
        "type: essay",
        "test-lesson.yaml:14: unknown question type 'essay'",
    ),
    (
        "quizzes",
        "lesson: test-lesson",
        "lesson: no-such-lesson",
        "test-lesson.yaml:1: lesson 'no-such-lesson' does not exist",
    ),
    ("quizzes", "answer: true", "answer: maybe", "'answer' must be true or false"),
    (
        "quizzes",
        "fraction: 1, feedback: Yes.",
        "fraction: 'one', feedback: Yes.",
        "'fraction' must be a number",
    ),
]


@pytest.mark.parametrize(("folder", "old", "new", "expected"), BAD_FILES)
def test_bad_files_report_file_and_line_and_change_nothing(tree, folder, old, new, expected):
    load_content(tree)
    before = snapshot()
    path = next((tree / folder).iterdir())
    text = path.read_text(encoding="utf-8")
    assert old in text, "the test's replacement must apply"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content(tree)
    assert any(expected in str(problem) for problem in error.value.problems), error.value.problems
    assert snapshot() == before


def test_one_bad_file_blocks_all_others(tree):
    (tree / "quizzes" / "test-lesson.yaml").write_text(
        QUIZ.replace("fraction: 1,", "fraction: 2,"), encoding="utf-8"
    )
    with pytest.raises(ContentError):
        load_content(tree)
    assert not Lesson.objects.exists() and not Term.objects.exists() and not Quiz.objects.exists()


def test_command_reports_every_problem_and_fails(tree, capsys):
    (tree / "glossary" / "terms.yaml").write_text(
        GLOSSARY.replace("category: process", "category: nope"), encoding="utf-8"
    )
    (tree / "lessons" / "01-test-lesson.md").write_text(
        LESSON.replace("order: 1", "order: x"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_content", "--root", str(tree))
    err = capsys.readouterr().err
    assert "terms.yaml:4:" in err and "01-test-lesson.md:" in err


def test_duplicate_slugs_are_reported(tree):
    shutil.copy(tree / "lessons" / "01-test-lesson.md", tree / "lessons" / "02-copy.md")
    with pytest.raises(ContentError, match="duplicate slug 'test-lesson'"):
        load_content(tree)


def test_not_utf8_is_reported(tree):
    (tree / "lessons" / "01-test-lesson.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    with pytest.raises(ContentError, match="01-test-lesson.md:2: not valid UTF-8"):
        load_content(tree)


def test_the_real_curriculum_validates(db):
    report = load_content(check_only=True)
    assert report.unchanged
