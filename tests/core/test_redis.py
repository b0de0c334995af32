"""Two gunicorn servers sharing one Redis (CACHE_URL) and one database behave as one site:
an admin's edit through one is on the public page through the other at its next request,
and a session made on one is good on the other. Run by .ci/run through .ci/with-redis.sh;
skipped without a Redis CACHE_URL."""

import os
import re
import sqlite3

import pytest

from bench.client import Client
from tests.forms import forms
from tests.live import start_site, stop_site

CACHE_URL = os.environ.get("CACHE_URL", "")
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not CACHE_URL.startswith("redis"), reason="needs CACHE_URL=redis://… (.ci/with-redis.sh)"
    ),
]
PASSWORD = "a-Long-admin-passphrase-1"


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()  # a throwaway server: start from nothing
    data_dir = tmp_path_factory.mktemp("redis-site")
    first = start_site(data_dir, workers=2, threads=2)
    try:
        second = start_site(data_dir, workers=2, threads=2)  # same database, same Redis
    except Exception:
        stop_site(first)
        raise
    first.manage("create_user", "editor", "--password", PASSWORD, "--role", "admin")
    yield first, second
    stop_site(second)
    stop_site(first)


def log_in(browser, site):
    page = browser.get(site.url + "/admin/login/?next=/admin/")
    (form,) = [
        f for f in forms(page.text) if "username" in dict(f["fields"]) or "login" in f["action"]
    ]
    fields = dict(form["fields"])
    fields.update(username="editor", password=PASSWORD)
    reply = browser.post(site.url + "/admin/login/?next=/admin/", fields)
    assert reply.status == 302, reply.text[:500]


def test_an_admin_edit_through_one_server_shows_through_the_other(two_sites):
    first, second = two_sites
    with sqlite3.connect(first.database) as db:
        lesson_id, slug, title = db.execute(
            "SELECT id, slug, title FROM lessons_lesson WHERE published ORDER BY id LIMIT 1"
        ).fetchone()
    page_url = f"/lessons/{slug}/"
    for site in (first, second, second):  # cached by both, and a hit on the second
        page = Client().get(site.url + page_url)
        assert page.status == 200 and title in page.text
        assert "public" in page.header("Cache-Control")

    import redis

    stored = redis.Redis.from_url(CACHE_URL).keys("*stressed:page:*")
    assert stored, "the servers did not keep their pages in Redis"

    admin = Client()
    log_in(admin, first)
    change = f"{first.url}/admin/lessons/lesson/{lesson_id}/change/"
    form = next(f for f in forms(admin.get(change).text) if "title" in dict(f["fields"]))
    fields = [[name, value] for name, value in form["fields"]]
    new_title = "Edited through the first server"
    for field in fields:
        if field[0] == "title":
            field[1] = new_title
    saved = admin.post(change, [tuple(field) for field in fields])
    assert saved.status == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', saved.text)

    # The very next request through the other server has the new title.
    page = Client().get(second.url + page_url)
    assert new_title in page.text, "the second server served a stale copy"
    # One session for both: the admin's log-in made on the first is good on the second.
    assert admin.get(second.url + "/admin/").status == 200
