"""Read `content/quizzes/*.yaml` into the same QuizData the GIFT importer produces."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from stressed.content.fields import Fields
from stressed.content.lint import lint_question
from stressed.content.questions import (
    MAX_QUESTIONS,
    ChoiceData,
    QuestionData,
    length_problems,
    too_many_choices,
)
from stressed.content.yamlio import decode_text, line_of, load_yaml
from stressed.quizzes import types
from stressed.quizzes.types import TYPES, check_question

__all__ = [
    "MAX_QUESTIONS",
    "ChoiceData",
    "QuestionData",
    "QuizData",
    "check_question",
    "length_problems",
    "parse_quiz_file",
]

QUIZ_FIELDS = {"lesson", "slug", "title", "intro", "published", "questions"}
# Fields every question has; each type adds the one that lists its answers (`yaml_key`) and
# any others it reads (`yaml_fields`).
COMMON_FIELDS = {"key", "type", "title", "prompt", "review", "explanation"}


@dataclass
class QuizData:
    path: str
    source_hash: str
    slug: str
    title: str
    intro: str = ""
    lesson: str = ""
    published: bool = False
    questions: list = field(default_factory=list)
    lesson_line: int = 1


def parse_quiz_file(path: Path, problems, display_path=None):
    shown = display_path or str(path)
    raw = path.read_bytes()
    text = decode_text(raw, shown, problems)
    data = None if text is None else load_yaml(text, shown, problems)
    if data is None:
        return None
    f = Fields(data, shown, problems, what="quiz")
    if not f.ok:
        return None
    f.unknown(QUIZ_FIELDS)
    quiz = QuizData(
        path=shown,
        source_hash=hashlib.sha256(raw).hexdigest(),
        slug=f.slug("slug"),
        title=f.text("title", max_length=200),
        intro=f.text("intro", required=False),
        lesson=f.slug("lesson", required=False),
        published=f.boolean("published", default=False),
        lesson_line=line_of(data, key="lesson"),
    )
    questions = f.list("questions", min_items=1)
    if len(questions) > MAX_QUESTIONS:
        f.problem(f"a quiz has at most {MAX_QUESTIONS} questions; this one has {len(questions)}")
        questions = []
    for item in questions:
        qf = Fields(item, shown, problems, what="question")
        if not qf.ok:
            continue
        q_type = qf.text("type")
        kind = types.get(q_type)
        if kind is None:
            qf.problem(f"unknown question type {q_type!r}; use one of {', '.join(TYPES)}")
            continue
        qf.unknown(COMMON_FIELDS | {kind.yaml_key} | kind.yaml_fields)
        question = QuestionData(
            key=qf.slug("key"),
            type=q_type,
            prompt=qf.text("prompt"),
            explanation=qf.text("explanation"),
            review=qf.text("review", required=bool(quiz.lesson)),
            title=qf.text("title", required=False),
            line=qf.line,
            choices=kind.read_yaml(qf, shown, problems),
        )
        if message := too_many_choices(question):
            problems.add(shown, qf.line, message)
        for message in check_question(question):
            problems.add(shown, qf.line, message)
        # Item-writing errors fail the load too (warnings are reported by load_content).
        for finding in lint_question(question):
            if finding.is_error:
                problems.add(shown, qf.line, finding.message)
        quiz.questions.append(question)
    _unique_keys(quiz, problems)
    return quiz


def _unique_keys(quiz, problems):
    seen = {}
    for question in quiz.questions:
        if question.key in seen:
            problems.add(
                quiz.path,
                question.line,
                f"duplicate question key {question.key!r} (also at line {seen[question.key]})",
            )
        seen.setdefault(question.key, question.line)
