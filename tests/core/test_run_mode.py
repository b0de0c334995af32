"""`make run` shows the site's own error pages (DEBUG off unless DJANGO_DEBUG=1, `make dev`),
and no mode loads django-htmx's debug helper, which breaks the CSP on an htmx error."""

import os
import subprocess
import sys

from django.test import override_settings
from django.urls import reverse

PRINT_DEBUG = (
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
)


def debug_with(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ENV")}
    environment.update(env, DJANGO_SETTINGS_MODULE="stressed.settings")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG], env=environment, capture_output=True, text=True
    )
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for():
    assert debug_with() == "False"
    assert debug_with(DJANGO_DEBUG="1") == "True"


@override_settings(DEBUG=True)
def test_no_debug_helper_even_with_debug(client, db):
    html = client.get(reverse("about")).content.decode()
    assert "django-htmx.js" not in html
    assert "htmx-2.min.js" in html
