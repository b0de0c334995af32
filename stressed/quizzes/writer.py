"""Write parsed questions (from content files or GIFT) onto a quiz, without losing an answer.

Questions are matched by their `key`, never by position, so reordering a file moves nothing.
A question whose answers change (its options, fractions, accepted answers or pairs) after
students answered it becomes a new version: the old row is retired and keeps its responses,
which still point at exactly what was asked. A question that leaves the file is retired if
anyone answered it, deleted if nobody did.

Markdown is rendered by `prepare_questions` before the caller opens its transaction, so the
write itself is a few short statements (a long import must not hold SQLite's write lock).
"""

from dataclasses import dataclass, field

from django.db.models import Max

from stressed.core.cache import bump_content_version
from stressed.markdown import render, render_inline
from stressed.quizzes.models import COMBINED_FEEDBACK, Choice, Question, Response

CHOICE_FIELDS = (
    "text",
    "fraction",
    "feedback",
    "misconception",
    "match_text",
    "value",
    "tolerance",
    "min_value",
    "max_value",
)
# What grading reads: a change to any of these re-marks earlier answers, so it is a new version.
ANSWER_FIELDS = ("text", "match_text", "fraction", "value", "tolerance", "min_value", "max_value")


@dataclass
class PreparedQuestion:
    data: object  # QuestionData
    prompt_html: str
    explanation_html: str
    choice_html: list  # (text_html, feedback_html) per choice
    combined_html: dict = field(default_factory=dict)  # name in COMBINED_FEEDBACK -> HTML


@dataclass
class WriteReport:
    created: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    versioned: list = field(default_factory=list)  # answered, answers changed: a new version
    retired: list = field(default_factory=list)  # gone from the file, answers kept
    deleted: list = field(default_factory=list)  # gone from the file, never answered

    def summary(self):
        return (
            f"{len(self.created)} new, {len(self.kept)} kept or updated, "
            f"{len(self.versioned)} new version(s) of answered questions, "
            f"{len(self.retired)} retired with their answers kept, {len(self.deleted)} deleted"
        )


def answer_of(choice):
    """What grading reads from one option (a Choice or a ChoiceData)."""
    return tuple(getattr(choice, name) for name in ANSWER_FIELDS)


def answer_signature(question_type, choices):
    """The question's answers, in any order: moving options around in a file changes what a
    student sees, not what their stored answer means (options are matched by content)."""
    return (question_type, tuple(sorted(map(answer_of, choices), key=repr)))


def prepare_questions(questions):
    """Render every Markdown field once, outside any transaction."""
    return [
        PreparedQuestion(
            data=data,
            prompt_html=render(data.prompt),
            explanation_html=render(data.explanation),
            choice_html=[(render_inline(c.text), render_inline(c.feedback)) for c in data.choices],
            combined_html={name: render(getattr(data, name)) for name in COMBINED_FEEDBACK},
        )
        for data in questions
    ]


def write_questions(quiz, prepared):
    """Make `quiz`'s live questions those of `prepared` (from `prepare_questions`), in order.
    Call inside a transaction. Returns a WriteReport."""
    report = WriteReport()
    live = {q.key: q for q in quiz.questions.live().prefetch_related("choices")}
    answered = set(
        Response.objects.filter(question__in=list(live.values()))
        .values_list("question_id", flat=True)
        .distinct()
    )
    versions = dict(
        quiz.questions.values("key").annotate(latest=Max("version")).values_list("key", "latest")
    )
    to_retire, fresh, kept = [], [], []
    for order, item in enumerate(prepared, start=1):
        data = item.data
        question = live.pop(data.key, None)
        if question is not None and question.pk in answered:
            old = answer_signature(question.type, question.choices.all())
            if old != answer_signature(data.type, data.choices):
                to_retire.append(question)
                report.versioned.append(data.key)
                question = None
        if question is None:
            question = Question(quiz=quiz, key=data.key, version=versions.get(data.key, 0) + 1)
            if data.key not in report.versioned:
                report.created.append(data.key)
            fresh.append((order, item, question))
        else:
            report.kept.append(data.key)
            kept.append((order, item, question))
    unanswered = []
    for question in live.values():
        if question.pk in answered:
            to_retire.append(question)
            report.retired.append(question.key)
        else:
            unanswered.append(question.pk)
            report.deleted.append(question.key)
    Question.objects.filter(pk__in=unanswered).delete()
    for question in to_retire:
        question.retired = True
    Question.objects.bulk_update(to_retire, ["retired"])

    for order, item, question in fresh + kept:
        _fill(question, order, item)
    Question.objects.bulk_create([question for _order, _item, question in fresh])
    Question.objects.bulk_update(
        [question for _order, _item, question in kept], QUESTION_WRITE_FIELDS
    )
    _write_choices(fresh, kept)
    bump_content_version()  # bulk writes send no post_save signal
    return report


QUESTION_WRITE_FIELDS = (
    "order",
    "type",
    "title",
    "prompt",
    "prompt_html",
    "explanation",
    "explanation_html",
    "review_anchor",
    "category",
    *COMBINED_FEEDBACK,
    *(f"{name}_html" for name in COMBINED_FEEDBACK),
)


def _fill(question, order, item):
    data = item.data
    question.order = order
    question.type, question.title = data.type, data.title
    question.prompt, question.prompt_html = data.prompt, item.prompt_html
    question.explanation, question.explanation_html = data.explanation, item.explanation_html
    question.review_anchor = data.review
    question.category = data.category
    for name in COMBINED_FEEDBACK:
        setattr(question, name, getattr(data, name))
        setattr(question, f"{name}_html", item.combined_html.get(name, ""))


def _write_choices(fresh, kept):
    """New questions get new options. A kept question's options are matched to the file's by
    content, so a stored answer keeps pointing at the option it chose even if the file moved
    it; rows left unmatched (only possible when nobody answered) are reused, then deleted."""
    new_choices, changed, stale = [], [], []
    for _order, item, question in fresh:
        new_choices += [
            _choice(Choice(question=question), index, data, html)
            for index, (data, html) in enumerate(
                zip(item.data.choices, item.choice_html, strict=True), 1
            )
        ]
    for _order, item, question in kept:
        pool = {}
        for choice in question.choices.all():
            pool.setdefault(answer_of(choice), []).append(choice)
        unmatched = []
        for index, (data, html) in enumerate(
            zip(item.data.choices, item.choice_html, strict=True), 1
        ):
            same = pool.get(answer_of(data))
            if same:
                changed.append(_choice(same.pop(0), index, data, html))
            else:
                unmatched.append((index, data, html))
        spare = [choice for choices in pool.values() for choice in choices]
        for (index, data, html), choice in zip(unmatched, spare, strict=False):
            changed.append(_choice(choice, index, data, html))
        new_choices += [
            _choice(Choice(question=question), index, data, html)
            for index, data, html in unmatched[len(spare) :]
        ]
        stale += [choice.pk for choice in spare[len(unmatched) :]]
    Choice.objects.filter(pk__in=stale).delete()
    Choice.objects.bulk_update(changed, (*CHOICE_FIELDS, "order", "text_html", "feedback_html"))
    Choice.objects.bulk_create(new_choices)


def _choice(choice, order, data, html):
    choice.order = order
    for name in CHOICE_FIELDS:
        setattr(choice, name, getattr(data, name))
    choice.text_html, choice.feedback_html = html
    return choice
