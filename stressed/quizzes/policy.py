"""Hooks through which an app above the quizzes (classes: an instructor's settings for an
assigned quiz) shapes the attempt flow, without the quizzes importing it (the layers in
pyproject.toml). A provider registers itself in its AppConfig.ready():

    policy.register(provider)

and implements these methods, returning None (or an empty set) when it has no say:

- `feedback(attempt, now) -> Feedback | None`: whether the student may see correctness (the
  verdict, right answer, explanation, option feedback, score) on this attempt now.
- `refuse_start(user, quiz, now) -> Refusal | None`: why this user may not start an attempt
  at this quiz now (not open yet, closed, no attempts left), with the HTTP status to answer.
- `withheld(attempts, now) -> set`: of those attempts, the ids whose feedback is hidden now
  (the same decision as `feedback`, for many attempts at once).

With no provider, or none with a say, feedback is shown at once and any start is allowed:
the site's behaviour outside classes.
"""

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Feedback:
    visible: bool
    note: str = ""  # when hidden: when it will show, in words ("when you finish the quiz")


@dataclass(frozen=True)
class Refusal:
    status: int  # 403 not open or closed, 409 no attempts left
    title: str
    message: str


SHOWN = Feedback(True)
providers = []


def register(provider):
    """Once per kind of provider, however often an app's ready() runs."""
    if not any(type(p) is type(provider) for p in providers):
        providers.append(provider)


def feedback(attempt, now=None):
    """Hidden if any provider hides it (the strictest setting wins)."""
    if attempt.quiz_id is None or attempt.user_id is None:
        return SHOWN  # review sets and anonymous attempts belong to no class
    now = now or timezone.now()
    for provider in providers:
        decision = provider.feedback(attempt, now)
        if decision is not None and not decision.visible:
            return decision
    return SHOWN


def withheld(attempts, now=None):
    """The ids of those attempts (Attempt rows) whose feedback is hidden now: what they
    earned must not show anywhere else either (scores on the progress and home pages, the
    questions to practise). Providers implement `withheld(attempts, now) -> set of ids`."""
    attempts = [a for a in attempts if a.quiz_id and a.user_id]
    hidden = set()
    if not attempts:
        return hidden
    now = now or timezone.now()
    for provider in providers:
        hidden |= provider.withheld(attempts, now)
    return hidden


def refuse_start(user, quiz, now=None):
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    for provider in providers:
        refusal = provider.refuse_start(user, quiz, now)
        if refusal is not None:
            return refusal
    return None
