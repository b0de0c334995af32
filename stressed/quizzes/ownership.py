"""Who owns a quiz attempt, in one place. An account owns its attempts by user; an anonymous
visitor owns theirs by the attempt ids kept in their session, and every attempt records an
opaque owner id from that session (never the session key, which is a credential), so that
statistics can tell visitors apart and sign-up can merge them (progress.store).

The session entry is the one progress.store keeps a visitor's progress in."""

import secrets

from stressed.quizzes.models import Attempt

SESSION_KEY = "progress"
MAX_REMEMBERED = 500  # attempt ids kept in a session


class AttemptOwnership:
    def __init__(self, request):
        self.request = request
        self.user = request.user if request.user.is_authenticated else None

    def has_session(self):
        return self.request.session.session_key is not None

    def session_data(self):
        data = self.request.session.get(SESSION_KEY) or {}
        data.setdefault("attempts", [])
        return data

    def save(self, data):
        self.request.session[SESSION_KEY] = data
        self.request.session.modified = True

    def owner_id(self):
        """An opaque id for this anonymous visitor's attempts ("" for an account)."""
        if self.user:
            return ""
        data = self.session_data()
        if not data.get("owner"):
            data["owner"] = secrets.token_hex(16)
            self.save(data)
        return data["owner"]

    def remember(self, attempt):
        if self.user:
            return
        data = self.session_data()
        data["attempts"] = [*data["attempts"], attempt.pk][-MAX_REMEMBERED:]
        self.save(data)

    def owns(self, attempt):
        if self.user:
            return attempt.user_id == self.user.pk
        if attempt.user_id is not None or not self.has_session():
            return False
        return attempt.pk in self.session_data()["attempts"]

    def attempts(self):
        if self.user:
            return Attempt.objects.filter(user=self.user)
        if not self.has_session():
            return Attempt.objects.none()
        ids = self.session_data()["attempts"]
        return Attempt.objects.filter(pk__in=ids, user__isnull=True)


def start_attempt(request, question_ids, quiz=None):
    """A new attempt at `question_ids` (of `quiz`, or a review set when None), owned by the
    visitor making the request."""
    owner = AttemptOwnership(request)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=owner.user,
        owner=owner.owner_id(),
        question_ids=list(question_ids),
    )
    owner.remember(attempt)
    return attempt
