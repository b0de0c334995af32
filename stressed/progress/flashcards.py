"""Glossary flashcards scheduled with FSRS (the `fsrs` package), per student.

Accounts keep card states in the database; anonymous students keep them in the session.
A term becomes a card the first time it is reviewed; new cards are offered a few a day.
"""

from datetime import UTC, datetime

from django.db.models import F
from fsrs import Card, Rating, Scheduler

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

    def next_term(self, term_ids, now=None):
        """The next term to show: a due card first, else one never seen; None when done."""
        states = self.states()
        due = sorted(self.due_term_ids(now), key=lambda tid: due_time(states[tid]))
        if due:
            return due[0]
        unseen = [tid for tid in term_ids if tid not in states]
        return unseen[0] if unseen else None

    def record(self, term_id, rating_name, now=None):
        from stressed.progress.models import CardState

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
            self.progress.save_session_cards(cards)
        return card
