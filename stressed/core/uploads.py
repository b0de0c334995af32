"""Staff-only replacements for django-markdownx's preview and upload endpoints.

markdownx's own views need no login and trust the browser's declared content type (so an SVG
with script can be uploaded). Ours require staff and put every image through
stressed.core.images.clean_image: real PNG or JPEG only, a pixel limit read from the header,
re-encoded from the pixels alone.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve

from stressed.core.images import ImageRejected, clean_image
from stressed.core.permissions import staff_permission_required
from stressed.markdown import render

# Staff only; markdownx's widget posts here, so a visitor gets 403, not a log-in page.
staff_only = staff_permission_required(login=False)


@staff_only
@require_POST
def markdown_preview(request):
    return HttpResponse(render(request.POST.get("content", "")))


@staff_only
@require_POST
def image_upload(request):
    upload = request.FILES.get("image")
    if upload is None:
        return HttpResponseBadRequest("No image was sent.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:  # before reading it into memory
        return JsonResponse({"image": ["The image is larger than 2 MB."]}, status=400)
    try:
        content, extension = clean_image(upload.read())
    except ImageRejected as error:
        message = str(error)
        return JsonResponse({"image": [f"{message[0].upper()}{message[1:]}."]}, status=400)
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{extension}"
    saved = default_storage.save(name, ContentFile(content))
    return JsonResponse({"image_code": f"![]({default_storage.url(saved)})"})


@require_safe
def media(request, path):
    """Uploaded images in development (DEBUG) only; in production nginx serves MEDIA_ROOT and
    this view answers 404 (deploy/nginx.conf)."""
    if not settings.DEBUG:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
