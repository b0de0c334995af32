"""Where a student's progress lives: the database for accounts, the session for everyone else.

Views talk to `Progress(request)` and never care which. On log-in or sign-up the session's
progress is merged into the account (`merge_session_into_account`, called by the log-in and
sign-up views in stressed.accounts), so nothing done before signing in is lost. Which quiz
attempts a visitor owns is decided in stressed.quizzes.ownership; this class asks it.
"""

from django.db import IntegrityError, transaction

from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.progress.flashcards import card_from_dict
from stressed.progress.models import CardState, LessonCompletion, LessonVisit
from stressed.quizzes.models import Attempt
from stressed.quizzes.ownership import SESSION_KEY, AttemptOwnership


def _session_progress(request):
    data = request.session.get(SESSION_KEY) or {}
    data.setdefault("completed", [])
    data.setdefault("attempts", [])
    data.setdefault("cards", {})
    data.setdefault("last_lesson", None)
    data.setdefault("last_section", "")
    return data


class Progress:
    def __init__(self, request):
        self.request = request
        self.user = request.user if request.user.is_authenticated else None

    # Sessions are created only when a visitor does something worth keeping.
    def _save_session(self, data):
        self.request.session[SESSION_KEY] = data
        self.request.session.modified = True

    def has_session(self):
        return self.request.session.session_key is not None

    def completed_lesson_ids(self):
        if self.user:
            return set(self.user.lesson_completions.values_list("lesson_id", flat=True))
        if not self.has_session():
            return set()
        return set(_session_progress(self.request)["completed"])

    def mark_complete(self, lesson, complete=True):
        if self.user:
            if complete:
                try:
                    with transaction.atomic():
                        LessonCompletion.objects.get_or_create(user=self.user, lesson=lesson)
                except IntegrityError:
                    pass  # a double click raced us; the completion exists either way
            else:
                LessonCompletion.objects.filter(user=self.user, lesson=lesson).delete()
            return
        data = _session_progress(self.request)
        completed = set(data["completed"])
        if complete:
            completed.add(lesson.pk)
        else:
            completed.discard(lesson.pk)
        data["completed"] = sorted(completed)
        self._save_session(data)

    def visit(self, lesson_id, section_id=""):
        """Where the student is: this lesson, and the last heading reached in it. Called
        from POSTs only (the lesson's private fragment posts it); no GET writes."""
        section_id = section_id[:100]
        if self.user:
            LessonVisit.objects.update_or_create(
                user=self.user, defaults={"lesson_id": lesson_id, "section_id": section_id}
            )
            return
        data = _session_progress(self.request)
        if (data["last_lesson"], data["last_section"]) != (lesson_id, section_id):
            data["last_lesson"], data["last_section"] = lesson_id, section_id
            self._save_session(data)

    def last_lesson_id(self):
        return self.last_position()[0]

    def last_position(self):
        """(lesson id, heading id) of the last place the student read, or (None, "")."""
        if self.user:
            visit = getattr(self.user, "last_visit", None)
            return (visit.lesson_id, visit.section_id) if visit else (None, "")
        if not self.has_session():
            return None, ""
        data = _session_progress(self.request)
        return data["last_lesson"], data.get("last_section") or ""

    # Quiz attempts: who owns which is decided in one place, stressed.quizzes.ownership.
    def attempts(self):
        return AttemptOwnership(self.request).attempts()

    # Flashcards
    def session_cards(self):
        return _session_progress(self.request)["cards"] if self.has_session() else {}

    def save_session_cards(self, cards, reviewed_term=None):
        data = _session_progress(self.request)
        data["cards"] = cards
        if reviewed_term is not None:  # counted, so the account's export says how many
            counts = data.get("card_reviews") if isinstance(data.get("card_reviews"), dict) else {}
            counts[str(reviewed_term)] = counts.get(str(reviewed_term), 0) + 1
            data["card_reviews"] = counts
        self._save_session(data)


def merge_session_into_account(request, user):
    """Move anonymous progress from the session into the account; never lose or duplicate.

    Never fails a log-in or sign-up: anything the session names that no longer exists (a
    deleted lesson, term or attempt) or cannot be read is skipped."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        request.session.pop(SESSION_KEY, None)
        return
    completed = _ints(data.get("completed"))
    last_lesson = _ints([data.get("last_lesson")])
    last_section = data.get("last_section") if isinstance(data.get("last_section"), str) else ""
    cards = data.get("cards") if isinstance(data.get("cards"), dict) else {}
    counts = data.get("card_reviews") if isinstance(data.get("card_reviews"), dict) else {}
    with transaction.atomic():
        lessons = set(
            Lesson.objects.filter(pk__in=completed + last_lesson).values_list("pk", flat=True)
        )
        have = set(user.lesson_completions.values_list("lesson_id", flat=True))
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(user=user, lesson_id=pk)
                for pk in completed
                if pk in lessons and pk not in have
            ],
            ignore_conflicts=True,
        )
        anonymous = Attempt.objects.filter(user__isnull=True)
        owner = data.get("owner")
        mine = anonymous.filter(pk__in=_ints(data.get("attempts")))
        if owner:
            mine = mine | anonymous.filter(owner=owner)
        mine.update(user=user, owner="")
        terms = set(Term.objects.filter(pk__in=_ints(cards)).values_list("pk", flat=True))
        for term_id, card in cards.items():
            try:
                restored = card_from_dict(card)
            except (KeyError, TypeError, ValueError):
                continue  # a card saved by an older version we cannot read: start it afresh
            if int(term_id) in terms:
                # Reviews made before signing in count too (the export shows them).
                reviews = _ints([counts.get(str(term_id))]) or [1 if restored.last_review else 0]
                CardState.objects.get_or_create(
                    user=user,
                    term_id=int(term_id),
                    defaults={"card": card, "due": restored.due, "reviews": reviews[0]},
                )
        if last_lesson and last_lesson[0] in lessons:
            LessonVisit.objects.update_or_create(
                user=user, defaults={"lesson_id": last_lesson[0], "section_id": last_section[:100]}
            )
    request.session.pop(SESSION_KEY, None)


def _ints(values):
    """The whole numbers among `values` (ids kept in a session), anything else dropped."""
    result = []
    for value in values if isinstance(values, list | dict) else []:
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            continue
    return result
