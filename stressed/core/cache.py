"""The site-wide content version that keys cached pages.

Any save or delete of a model marked `PublicContent` (lessons, references, glossary terms,
quizzes, questions, choices) bumps it, so every cached public page built from older content is
ignored from then on (and expires by itself). The number lives in the database, the one place
every process and host agrees on. How a process reads it depends on the cache:

- a shared cache (Redis, `CACHE_URL`): from the cache, where a bump writes the new number once
  its transaction commits, so every process on every host sees an edit on its next request;
- a per-process cache (local memory, the default): from the database, remembered for up to a
  second (a query saved on every cached page), so other workers see an edit within a second
  and the editing process at once.

`ContentMemo` keeps objects built from content (such as questions with their choices) in a
process between requests, emptied whenever the version moves on.
"""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stressed.core.models import ContentVersion

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
REMEMBER_SECONDS = 1.0
VERSION_KEY = "stressed:content-version"
VERSION_TIMEOUT = 60 * 60
PER_PROCESS_BACKENDS = ("locmem", "dummy", "filebased")
_remembered = {"until": 0.0, "value": None}
_memos = []


def shared_cache():
    """Whether every process sees the same cache (Redis, Memcached, the database)."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not any(name in backend for name in PER_PROCESS_BACKENDS)


def _from_database():
    row = ContentVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return row or (0, EPOCH)


def content_version():
    """(version number, when it last changed)."""
    if shared_cache():
        value = cache.get(VERSION_KEY)
        if value is None:
            value = _from_database()
            # add, not set: a bump that committed meanwhile has already written a newer one.
            cache.add(VERSION_KEY, value, VERSION_TIMEOUT)
        return value
    now = time.monotonic()
    if _remembered["value"] is not None and now < _remembered["until"]:
        return _remembered["value"]
    value = _from_database()
    _remembered.update(until=now + REMEMBER_SECONDS, value=value)
    return value


def forget_content_version():
    _remembered.update(until=0.0, value=None)
    for memo in _memos:
        memo.clear()


class ContentMemo:
    """A per-process dict of things built from content, valid for one content version.

    Safe because every content save or delete bumps the version: the first lookup after a
    bump (in this process at once, in others on their next request or within
    REMEMBER_SECONDS) starts empty."""

    def __init__(self):
        self.version, self.items = None, {}
        _memos.append(self)

    def current(self):
        """The dict for the current content version (empty if the version has moved on)."""
        version = content_version()[0]
        if version != self.version:
            self.version, self.items = version, {}
        return self.items

    def clear(self):
        self.version, self.items = None, {}


def _publish():
    """After the bump's transaction commits: the new number for every process."""
    forget_content_version()
    if shared_cache():
        cache.set(VERSION_KEY, _from_database(), VERSION_TIMEOUT)


def bump_content_version():
    changed = ContentVersion.objects.filter(pk=1).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not changed:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    forget_content_version()
    if shared_cache():
        cache.delete(VERSION_KEY)  # this connection's readers now see the new number
    # Published only once the edit is visible to other connections: a page rebuilt earlier
    # would show the old content under the new version's key.
    transaction.on_commit(_publish)
