"""Staff-only replacements for django-markdownx's preview and upload endpoints.

markdownx's own views need no login and trust the browser's declared content type (so an SVG
with script can be uploaded). Ours require staff, open the file with Pillow, accept only real
PNG or JPEG images, and re-encode them, which also strips metadata.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from stressed.markdown import render

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def _require_staff(request):
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied


@require_POST
def markdown_preview(request):
    _require_staff(request)
    return HttpResponse(render(request.POST.get("content", "")))


@require_POST
def image_upload(request):
    _require_staff(request)
    upload = request.FILES.get("image")
    if upload is None:
        return HttpResponseBadRequest("No image was sent.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        return JsonResponse({"image": ["The image is larger than 2 MB."]}, status=400)
    try:
        image = Image.open(upload)
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        image_format = None
    if image_format not in ALLOWED_FORMATS:
        return JsonResponse({"image": ["Only PNG and JPEG images are allowed."]}, status=400)
    image.thumbnail(settings.MARKDOWNX_IMAGE_MAX_SIZE["size"])
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(
            buffer, "JPEG", quality=settings.MARKDOWNX_IMAGE_MAX_SIZE["quality"]
        )
    else:
        image.save(buffer, "PNG", optimize=True)
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    return JsonResponse({"image_code": f"![]({default_storage.url(saved)})"})
