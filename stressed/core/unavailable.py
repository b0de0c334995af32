"""A busy or read-only database is a 503 with a clear page, never a 500.

SQLite allows one writer at a time: a write that waits longer than the database timeout fails
with "database is locked"; PostgreSQL reports lock timeouts and deadlocks the same way, as an
OperationalError. Both are worth retrying, so the answer is 503 with `Retry-After`. A database
mounted read-only (maintenance, a full disk, a replica) fails every write: the visitor gets a
maintenance page, while pages that only read keep working.
"""

from django.db import OperationalError
from django.http import HttpResponse
from django.template import loader

BUSY = ("database is locked", "database table is locked", "lock timeout", "deadlock detected")
READ_ONLY = ("readonly database", "read-only", "read only")
BUSY_RETRY_SECONDS = 5
MAINTENANCE_RETRY_SECONDS = 120


def unavailable_response(exception):
    """The 503 for a busy or read-only database, or None for any other error."""
    if not isinstance(exception, OperationalError):
        return None
    text = str(exception).lower()
    if any(marker in text for marker in BUSY):
        title = "Busy for a moment"
        message = (
            "Many people are saving work right now and yours could not be saved. Nothing was "
            "lost: go back and send it again in a few seconds."
        )
        retry = BUSY_RETRY_SECONDS
    elif any(marker in text for marker in READ_ONLY):
        title = "Down for maintenance"
        message = (
            "The site can show lessons but cannot save anything at the moment. Please try "
            "again in a few minutes."
        )
        retry = MAINTENANCE_RETRY_SECONDS
    else:
        return None
    # Rendered without a request context: the context processors may need the database.
    html = loader.get_template("core/503.html").render({"title": title, "message": message})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's busy or read-only database error into the 503 above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable_response(exception)
