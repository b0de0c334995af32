"""Staff-only replacements for django-markdownx's preview and upload endpoints.

markdownx's own views need no login and trust the browser's declared content type (so an SVG
with script can be uploaded). Ours require staff, open the file with Pillow, accept only real
PNG or JPEG images of at most MAX_PIXELS (read from the header, before anything is decoded:
a 13000×13000 PNG is under 1 MB on disk and 0.5 GB in memory), and re-encode the pixels alone
into a new file, so no metadata, comment or text chunk of the upload survives.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve
from PIL import Image, UnidentifiedImageError

from stressed.core.permissions import staff_permission_required
from stressed.markdown import render

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_PIXELS = 25_000_000
# Pillow's own guard, for every image the process opens: it warns above this and refuses above
# twice this. Uploads are held to MAX_PIXELS by the check below.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


# Staff only; markdownx's widget posts here, so a visitor gets 403, not a log-in page.
staff_only = staff_permission_required(login=False)


def too_many_pixels(width=None, height=None):
    size = f" is {width}×{height} pixels and" if width else ""
    return JsonResponse(
        {
            "image": [
                f"The image{size} is too large: the limit is {MAX_PIXELS // 1_000_000} "
                "megapixels. Scale it down and upload it again."
            ]
        },
        status=400,
    )


def clean_copy(image, image_format):
    """A new image holding only the pixels: no EXIF, ICC profile, comment or text chunk."""
    if image_format == "JPEG":
        mode = "RGB"
    elif image.mode in ("RGB", "L") and "transparency" not in image.info:
        mode = image.mode
    else:
        mode = "RGBA"  # palettes, 16-bit and transparent images, in 8-bit RGBA
    image = image.convert(mode)
    return Image.frombytes(image.mode, image.size, image.tobytes())


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
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        return JsonResponse({"image": ["The image is larger than 2 MB."]}, status=400)
    try:
        with warnings.catch_warnings():
            # Between MAX_PIXELS and twice that Pillow only warns; the check below refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
        image_format = image.format
    except (UnidentifiedImageError, OSError):
        image_format = None
    except Image.DecompressionBombError:
        return too_many_pixels()
    if image_format not in ALLOWED_FORMATS:
        return JsonResponse({"image": ["Only PNG and JPEG images are allowed."]}, status=400)
    width, height = image.size
    if width * height > MAX_PIXELS:
        return too_many_pixels(width, height)
    try:
        image.thumbnail(settings.MARKDOWNX_IMAGE_MAX_SIZE["size"])  # decodes, then shrinks
        pixels = clean_copy(image, image_format)
    except (OSError, ValueError, SyntaxError):  # truncated or corrupt image data
        return JsonResponse({"image": ["The image file is damaged."]}, status=400)
    buffer = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(buffer, "JPEG", quality=settings.MARKDOWNX_IMAGE_MAX_SIZE["quality"])
    else:
        pixels.save(buffer, "PNG", optimize=True)
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    return JsonResponse({"image_code": f"![]({default_storage.url(saved)})"})


@require_safe
def media(request, path):
    """Uploaded images in development (DEBUG) only; in production nginx serves MEDIA_ROOT and
    this view answers 404 (deploy/nginx.conf)."""
    if not settings.DEBUG:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
