"""deploy/nginx.conf in front of gunicorn: a public page is a cache HIT on its second request,
a logged-in visitor's page never is, and nginx serves static and media files itself.

Starts Debian's nginx (`.ci/ensure-nginx.sh` installs it; skipped when it is missing) on a free
127.0.0.1 port with the config's @…@ values filled in, in front of the live gunicorn site, and
stops it by its PID."""

import os

import pytest

from bench.client import Client
from bench.nginx import Nginx, find_nginx
from tests.forms import forms
from tests.live import ROOT

pytestmark = [
    pytest.mark.live,
    pytest.mark.nginx,
    pytest.mark.skipif(find_nginx() is None, reason="nginx is missing (.ci/ensure-nginx.sh)"),
]
PASSWORD = "a-Long-student-passphrase-1"
PROBE = "0123456789abcdef0123456789abcdef.png"  # a name the upload view would give


@pytest.fixture(scope="module")
def nginx(live_site, tmp_path_factory):
    media_root = live_site.data_dir / "media"
    (media_root / "markdownx").mkdir(parents=True, exist_ok=True)
    (media_root / "markdownx" / PROBE).write_bytes(b"\x89PNG\r\n\x1a\nprobe")
    (media_root / "markdownx" / "evil.svg").write_text("<svg onload=alert(1)></svg>")
    upstream = live_site.url.removeprefix("http://")
    # The development site serves static/ as it is; nginx serves the same folder itself.
    server = Nginx(tmp_path_factory.mktemp("nginx"), upstream, ROOT / "static", media_root)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def lesson_path(live_site):
    import sqlite3

    with sqlite3.connect(live_site.database) as db:
        (slug,) = db.execute("SELECT slug FROM lessons_lesson WHERE published LIMIT 1").fetchone()
    return f"/lessons/{slug}/"


def test_a_public_page_is_a_hit_the_second_time(nginx, live_site):
    path = lesson_path(live_site)
    first, second = Client().get(nginx + path), Client().get(nginx + path)
    assert first.status == second.status == 200
    assert "public" in first.header("Cache-Control")
    assert first.header("X-Cache-Status") in ("MISS", "EXPIRED", "HIT")
    assert second.header("X-Cache-Status") == "HIT"
    assert second.text == first.text
    # A visitor with nothing but a CSRF cookie (from a quiz's Start form) shares the copy.
    visitor = Client()
    visitor.get(nginx + "/accounts/login/")
    assert visitor.cookie("csrftoken")
    assert visitor.get(nginx + path).header("X-Cache-Status") == "HIT"


def test_a_logged_in_page_is_never_a_hit(nginx, live_site):
    username = f"nginx-student-{os.getpid()}"
    live_site.manage("create_user", username, "--password", PASSWORD)
    student = Client()
    login = student.get(nginx + "/accounts/login/")
    form = next(f for f in forms(login.text) if "password" in {n for n, _ in f["fields"]})
    fields = dict(form["fields"]) | {"username": username, "password": PASSWORD}
    assert student.post(nginx + "/accounts/login/", fields).status == 302
    path = lesson_path(live_site)
    Client().get(nginx + path)  # the public copy is in the cache
    for _ in range(3):
        page = student.get(nginx + path)
        assert page.status == 200 and username in page.text
        assert page.header("X-Cache-Status") != "HIT"
        assert "private" in page.header("Cache-Control")
    for private in ("/progress/", "/accounts/"):
        for _ in range(2):
            assert student.get(nginx + private).header("X-Cache-Status") != "HIT"


def test_private_fragments_and_pages_are_never_hits(nginx):
    for path in ("/progress/", "/accounts/login/"):
        for _ in range(2):
            reply = Client().get(nginx + path)
            assert reply.header("X-Cache-Status") != "HIT", path


def test_nginx_serves_static_and_media_itself(nginx):
    css = Client().get(nginx + "/static/css/site.css")
    assert css.status == 200 and "X-Cache-Status" not in css.headers
    assert "max-age" in css.header("Cache-Control")
    media = Client().get(nginx + f"/media/markdownx/{PROBE}")
    assert media.status == 200 and media.header("X-Content-Type-Options") == "nosniff"
    assert "sandbox" in media.header("Content-Security-Policy")
    assert media.header("Content-Type") == "image/png"
    # Nothing but the upload view's own names: not another file that got into MEDIA_ROOT.
    assert Client().get(nginx + "/media/markdownx/evil.svg").status == 404
    assert Client().get(nginx + "/media/markdownx/").status == 404


def test_only_the_quiz_import_takes_a_large_upload(nginx):
    """A Moodle XML file carries its images: /quizzes/import/ takes up to 11 MB, the rest 3."""
    body = {"file": "x" * (5 * 1024 * 1024)}
    # Through to the app, which refuses the form without a CSRF token (not nginx's 413).
    assert Client().post(nginx + "/quizzes/import/", body).status == 403
    assert Client().post(nginx + "/accounts/login/", body).status == 413
