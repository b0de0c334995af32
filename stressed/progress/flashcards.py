"""Glossary flashcards scheduled with FSRS (the `fsrs` package), per student.

Accounts keep card states in the database; anonymous students keep them in the session.
A term becomes a card the first time it is reviewed. A study session ("run") shows the due
cards first, then up to NEW_PER_SESSION new ones (the terms of lessons the student has read
first), and ends with a summary of the ratings given; a run left for RUN_GAP starts afresh.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import F
from fsrs import Card, Rating, Scheduler

from stressed.progress.models import CardState

NEW_PER_SESSION = 10
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
_scheduler = Scheduler(enable_fuzzing=False)


def card_from_dict(data) -> Card:
    return Card.from_dict(data)


def review(card_data, rating_name, now=None):
    """Apply a rating to a card (None for a new card); return the new card as a dict."""
    card = card_from_dict(card_data) if card_data else Card()
    card, _log = _scheduler.review_card(card, RATINGS[rating_name], now or datetime.now(UTC))
    return card.to_dict()


def due_time(card_data):
    return card_from_dict(card_data).due


def intervals(card_data, now=None):
    """{rating name: time until the card would come back} for each button, as FSRS would
    schedule it (the same scheduler, without fuzzing, so the label is what happens)."""
    now = now or datetime.now(UTC)
    result = {}
    for name in RATINGS:
        result[name] = due_time(review(card_data, name, now)) - now
    return result


def humanize(delta):
    """A short, honest label for an interval: "1 min", "10 min", "3 h", "8 days", "2 mo"."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = round(minutes / 60)
    if hours < 24:
        return f"{hours} h"
    days = round(hours / 24)
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / 30)
    if months < 24:
        return f"{months} mo"
    return f"{round(days / 365)} yr"


RUN_KEY = "flashcard_run"
RUN_GAP = timedelta(hours=1)


class Run:
    """The study session in progress: the ratings given and how many new cards were shown.
    Kept in the Django session (for accounts too: it is about this sitting, not history)."""

    def __init__(self, request, now=None):
        self.request = request
        now = now or datetime.now(UTC)
        data = request.session.get(RUN_KEY)
        stale = not isinstance(data, dict) or now.timestamp() - data.get("at", 0) > (
            RUN_GAP.total_seconds()
        )
        if stale:
            data = {"ratings": {}, "new": 0, "at": now.timestamp()}
        self.data = data

    @property
    def ratings(self):
        return {name: self.data["ratings"].get(name, 0) for name in RATINGS}

    @property
    def reviewed(self):
        return sum(self.data["ratings"].values())

    @property
    def new_left(self):
        return max(0, NEW_PER_SESSION - self.data["new"])

    def record(self, rating_name, was_new, now=None):
        now = now or datetime.now(UTC)
        self.data["ratings"][rating_name] = self.data["ratings"].get(rating_name, 0) + 1
        self.data["new"] += 1 if was_new else 0
        self.data["at"] = now.timestamp()
        self.request.session[RUN_KEY] = self.data


class Deck:
    """The cards of one student, whichever store they live in."""

    def __init__(self, progress):
        self.progress = progress

    def states(self):
        """{term_id: card dict} for every card the student has seen."""
        if self.progress.user:
            return {c.term_id: c.card for c in self.progress.user.cards.all()}
        return {int(k): v for k, v in self.progress.session_cards().items()}

    def due_term_ids(self, now=None):
        now = now or datetime.now(UTC)
        return [tid for tid, card in self.states().items() if due_time(card) <= now]

    def next_term(self, term_ids, now=None, new_left=None):
        """The next term to show: a due card first, else one never seen (while the run
        still takes new cards); None when done."""
        states = self.states()
        due = sorted(self.due_term_ids(now), key=lambda tid: due_time(states[tid]))
        if due:
            return due[0]
        if new_left == 0:
            return None
        unseen = [tid for tid in term_ids if tid not in states]
        return unseen[0] if unseen else None

    def new_term_ids(self, term_ids):
        return [tid for tid in term_ids if tid not in self.states()]

    def next_due(self, now=None):
        """When the next card not yet due comes back, or None."""
        now = now or datetime.now(UTC)
        later = [due_time(card) for card in self.states().values() if due_time(card) > now]
        return min(later, default=None)

    def record(self, term_id, rating_name, now=None):
        states = self.states()
        card = review(states.get(term_id), rating_name, now)
        if self.progress.user:
            CardState.objects.update_or_create(
                user=self.progress.user,
                term_id=term_id,
                defaults={"card": card, "due": due_time(card)},
            )
            CardState.objects.filter(user=self.progress.user, term_id=term_id).update(
                reviews=F("reviews") + 1
            )
        else:
            cards = {str(k): v for k, v in states.items()}
            cards[str(term_id)] = card
            self.progress.save_session_cards(cards, reviewed_term=term_id)
        return card
