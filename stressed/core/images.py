"""The one check every image the site stores goes through, whether it arrives as an upload
(the Markdown editor, stressed.core.uploads) or as bytes (a Moodle XML <file>): a real PNG or
JPEG, at most 2 MB and MAX_PIXELS (read from the header, before anything is decoded: a
13000×13000 PNG is under 1 MB on disk and 0.5 GB in memory), then re-encoded from the pixels
alone, so no metadata, comment or text chunk survives."""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_PIXELS = 25_000_000
# Pillow's own guard, for every image the process opens: it warns above this and refuses above
# twice this. Stored images are held to MAX_PIXELS by the check in clean_image.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


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
