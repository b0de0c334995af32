"""A site-wide content version used to key cached pages.

Any save or delete of lesson, glossary or quiz content bumps the version, so every cached
anonymous page built from older content is ignored from then on (and expires by itself).
"""

import time

from django.core.cache import cache

VERSION_KEY = "stressed:content-version"


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_content_version() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)
