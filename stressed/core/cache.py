"""The site-wide content version that keys cached pages.

Any save or delete of lesson, glossary or quiz content bumps it, so every cached anonymous page
built from older content is ignored from then on (and expires by itself). Reading it is one
tiny query; it is kept in the database so all processes and hosts agree.
"""

from datetime import UTC, datetime

from django.db.models import F
from django.utils import timezone

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def content_version():
    """(version number, when it last changed)."""
    from stressed.core.models import ContentVersion

    row = ContentVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return row or (0, EPOCH)


def bump_content_version():
    from stressed.core.models import ContentVersion

    changed = ContentVersion.objects.filter(pk=1).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not changed:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})
