from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stressed.core import uploads, views

urlpatterns = [
    path("", include("stressed.lessons.urls")),
    path("glossary/", include("stressed.glossary.urls")),
    path("", include("stressed.quizzes.urls")),
    path("", include("stressed.progress.urls")),
    path("", include("stressed.accounts.urls")),
    path("about/", views.about, name="about"),
    path("search/", include("stressed.search.urls")),
    path("classes/", include("stressed.classes.urls")),
    path("lti/", include("stressed.lti.urls")),
    # Our staff-only views at markdownx's URL names, registered before its own.
    path("markdownx/markdownify/", uploads.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", uploads.image_upload, name="markdownx_upload"),
    # Uploaded images, with DEBUG only (404 otherwise): production serves them from nginx.
    path(settings.MEDIA_URL.lstrip("/") + "<path:path>", uploads.media, name="media"),
    path("admin/", admin.site.urls),
]

handler400 = "stressed.core.views.bad_request"
handler403 = "stressed.core.views.permission_denied"
handler404 = "stressed.core.views.page_not_found"
handler500 = "stressed.core.views.server_error"
