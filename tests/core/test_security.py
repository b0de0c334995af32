"""Production settings, headers, CSP, error pages, CSRF and the markdownx endpoints."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "stressed.example.org",
}


def manage(*args, env=None):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ENV", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS")
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_security_headers_and_csp(client, db):
    response = client.get(reverse("about"))
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in re.search(r"style-src ([^;]+)", csp).group(1)
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(client, make_lesson):
    lesson = make_lesson()
    html = client.get(lesson.get_absolute_url()).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert " style=" not in html and "<style" not in html
    assert re.search(r"\son[a-z]+=", html) is None


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("path", "status"), [("/no-such-page/", 404), ("/lessons/nope/", 404)])
def test_error_pages_are_the_sites_own(client, db, path, status):
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-header"' in html
    assert "Traceback" not in html and "stressed.urls" not in html


@override_settings(DEBUG=False)
def test_500_page_leaks_nothing(db):
    from stressed.core.views import server_error

    html = server_error(None).content.decode()
    assert "Something went wrong" in html and "Traceback" not in html


def test_every_post_form_carries_a_csrf_token(client, make_lesson, quiz):
    make_lesson("other", order=5)
    pages = [
        "/",
        "/lessons/other/",
        quiz.get_absolute_url(),
        "/review/",
        "/accounts/login/",
        "/accounts/signup/",
    ]
    for path in pages:
        html = client.get(path).content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S):
            if 'method="post"' in form:
                assert "csrfmiddlewaretoken" in form, (path, form[:200])


def test_posts_without_csrf_are_rejected(make_lesson):
    lesson = make_lesson()
    client = Client(enforce_csrf_checks=True)
    rejected = client.post(reverse("lesson-complete", args=[lesson.slug]))
    assert rejected.status_code == 403
    assert "Form expired" in rejected.content.decode()  # the site's own page, no reason leaked
    assert client.post(reverse("review-missed")).status_code == 403
    assert client.post(reverse("login"), {"username": "a", "password": "b"}).status_code == 403


def png_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, fmt)
    return buffer.getvalue()


def upload(client, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/markdownx/upload/",
        {"image": SimpleUploadedFile(name, content, content_type)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


@pytest.mark.parametrize("role", ["anonymous", "student"])
def test_markdownx_endpoints_refuse_non_staff(client_as, role):
    client = client_as(role)
    assert client.post("/markdownx/markdownify/", {"content": "**x**"}).status_code == 403
    assert upload(client, "a.png", png_bytes(), "image/png").status_code == 403


def test_markdownx_preview_is_sanitized_for_staff(client_as):
    response = client_as("instructor").post(
        "/markdownx/markdownify/", {"content": "**b** <script>x</script>"}
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == "<p><strong>b</strong> </p>"


def test_markdownx_upload_accepts_only_real_png_and_jpeg(client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("instructor")
    assert upload(client, "a.png", png_bytes(), "image/png").status_code == 200
    assert upload(client, "a.jpg", png_bytes("JPEG"), "image/jpeg").status_code == 200
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    assert upload(client, "x.svg", svg, "image/svg+xml").status_code == 400
    assert upload(client, "x.png", svg, "image/png").status_code == 400  # lying content type
    assert upload(client, "x.gif", png_bytes("GIF"), "image/gif").status_code == 400
    assert upload(client, "x.html", b"<script>alert(1)</script>", "text/html").status_code == 400
    assert sorted(p.suffix for p in (tmp_path / "markdownx").iterdir()) == [".jpg", ".png"]


# Issue 21: decompression bombs, metadata, and where uploads are served. -------------------


def png_of_size(width, height, rows=None):
    """A real, decodable grayscale PNG of any size, built row by row (a 6000×6000 image is
    about 40 KB on disk and 36 MB once decoded); with `rows`, only that many rows of data."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + one byte per pixel
    data = b"".join(compressor.compress(row) for _ in range(rows or height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_upload_refuses_too_many_pixels_before_decoding(client_as, settings, tmp_path):
    from stressed.core.images import MAX_PIXELS

    settings.MEDIA_ROOT = tmp_path
    client = client_as("instructor")
    bomb = png_of_size(6_000, 6_000)  # 36 megapixels in 0.04 MB
    assert len(bomb) < 100_000
    response = upload(client, "bomb.png", bomb, "image/png")
    assert response.status_code == 400
    assert "6000×6000 pixels" in response.json()["image"][0]
    assert "25 megapixels" in response.json()["image"][0]
    assert not (tmp_path / "markdownx").exists()
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS
    # 13000×13000 (169 megapixels; Pillow itself refuses it on opening).
    response = upload(client, "huge.png", png_of_size(13_000, 13_000, rows=1), "image/png")
    assert response.status_code == 400
    assert "25 megapixels" in response.json()["image"][0]
    assert not (tmp_path / "markdownx").exists()
    # Just under the limit is accepted, and stored scaled down.
    response = upload(client, "ok.png", png_of_size(5_000, 5_000), "image/png")
    assert response.status_code == 200
    assert Image.open(io.BytesIO(stored_bytes(response, tmp_path))).size == (1600, 1600)


def stored_bytes(response, media_root):
    url = re.search(r"\((/media/[^)]+)\)", response.json()["image_code"]).group(1)
    return (media_root / url.removeprefix("/media/")).read_bytes()


def test_upload_strips_comments_text_chunks_and_metadata(client_as, settings, tmp_path):
    from PIL import PngImagePlugin

    settings.MEDIA_ROOT = tmp_path
    client = client_as("instructor")
    evil = "<script>alert(1)</script>"

    exif = Image.Exif()
    exif[0x010E] = evil  # ImageDescription
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG", comment=evil, exif=exif)
    assert evil.encode() in buffer.getvalue()
    response = upload(client, "c.jpg", buffer.getvalue(), "image/jpeg")
    assert response.status_code == 200
    stored = stored_bytes(response, tmp_path)
    assert b"<script" not in stored and b"Exif" not in stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", evil)
    text.add_itxt("Description", evil)
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 1).save(buffer, "PNG", pnginfo=text, dpi=(300, 300))
    response = upload(client, "t.png", buffer.getvalue(), "image/png")
    assert response.status_code == 200
    stored = stored_bytes(response, tmp_path)
    assert b"<script" not in stored
    assert not {b"tEXt", b"iTXt", b"zTXt", b"pHYs", b"eXIf"} & {
        stored[i - 4 : i] for i in range(4, len(stored))
    }
    assert Image.open(io.BytesIO(stored)).size == (8, 8)


def test_uploads_are_served_in_development_only(client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("instructor")
    response = upload(client, "a.png", png_bytes(), "image/png")
    url = re.search(r"\((/media/[^)]+)\)", response.json()["image_code"]).group(1)
    settings.DEBUG = True
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == stored_bytes(response, tmp_path)
    assert served["Content-Type"] == "image/png"
    assert client.get("/media/../settings.py").status_code in (400, 404)
    settings.DEBUG = False
    assert client.get(url).status_code == 404  # production: nginx serves /media/
