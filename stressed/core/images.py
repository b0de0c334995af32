"""Images that arrive as bytes rather than as an upload (a Moodle XML <file>): the same checks
as the Markdown editor's uploads (stressed.core.uploads) — real PNG or JPEG, at most 2 MB and
MAX_PIXELS, read from the header before anything is decoded, then re-encoded from the pixels
alone — and stored as media under the hash of what is stored."""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from stressed.core.uploads import ALLOWED_FORMATS, MAX_PIXELS, clean_copy


class ImageRejected(ValueError):
    """The bytes are not an image the site accepts; the message says why, for an author."""


def clean_image(data):
    """(re-encoded bytes, extension) of a PNG or JPEG image; raises ImageRejected."""
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if len(data) > limit:
        raise ImageRejected(f"the image is larger than {limit // (1024 * 1024)} MB")
    megapixels = f"the limit is {MAX_PIXELS // 1_000_000} megapixels"
    try:
        with warnings.catch_warnings():
            # Between MAX_PIXELS and twice that Pillow only warns; the check below refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
        image_format = image.format
    except (UnidentifiedImageError, OSError):
        image_format = None
    except Image.DecompressionBombError:
        raise ImageRejected(f"the image has too many pixels: {megapixels}") from None
    if image_format not in ALLOWED_FORMATS:
        raise ImageRejected("only PNG and JPEG images are allowed")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRejected(f"the image is {width}×{height} pixels: {megapixels}")
    try:
        image.thumbnail(settings.MARKDOWNX_IMAGE_MAX_SIZE["size"])  # decodes, then shrinks
        pixels = clean_copy(image, image_format)
    except (OSError, ValueError, SyntaxError):  # truncated or corrupt image data
        raise ImageRejected("the image data is damaged") from None
    buffer = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(buffer, "JPEG", quality=settings.MARKDOWNX_IMAGE_MAX_SIZE["quality"])
    else:
        pixels.save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), ALLOWED_FORMATS[image_format]


def image_name(content, extension):
    """Where `content` is stored: named by its hash, so importing one file twice stores it
    once."""
    return f"{settings.MARKDOWNX_MEDIA_PATH}{hashlib.sha256(content).hexdigest()[:32]}.{extension}"


def image_url(name):
    return default_storage.url(name)


def store_image(name, content):
    """Store `content` (from clean_image) under `name` (from image_name) unless it is there."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
