"""Uploaded images are checked from their headers, in bounded memory, before anything
decodes them.

Wagtail's upload field asks Willow for the size, and Willow decodes the whole image to
answer: a 372 KB PNG of 11,300 × 11,300 pixels took the web worker to 640 MB, one of
30,000 × 30,000 made Pillow raise its decompression-bomb error (a 500), and so did a
malformed GIF. Here the size comes from the header (Pillow reads no pixel to open a
file), anything over `MASTHEAD_MAX_IMAGE_PIXELS` is refused, and the file is then
checked cheaply for damage: JPEG decoded at an eighth of its size, PNG chunk checksums
verified, GIF frames decoded one at a time. Every failure is a form error.

Used for every upload form (the images page, the multiple uploader, the chooser's
upload tab, replacing a file) through WAGTAILIMAGES_IMAGE_FORM_BASE.
"""

import logging
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

logger = logging.getLogger(__name__)

UNREADABLE = (
    "This file could not be read as an image: it may be damaged, cut short, or not the "
    "kind of file its name says. Export it again and upload the new file."
)


def max_image_pixels() -> int:
    return int(settings.MASTHEAD_MAX_IMAGE_PIXELS)


@dataclass(frozen=True)
class ImageHeader:
    format: str  # Pillow's name: JPEG, PNG, GIF, WEBP…
    width: int
    height: int
    frames: int

    @property
    def pixels(self) -> int:
        return self.width * self.height * self.frames


def too_many_pixels_message(header: ImageHeader, limit: int) -> str:
    frames = f" in {header.frames} frames" if header.frames > 1 else ""
    return (
        f"This image is {header.width:,} × {header.height:,} pixels{frames} "
        f"({header.pixels / 1e6:.1f} megapixels); the largest accepted is "
        f"{limit / 1e6:g} megapixels. Resize it before uploading."
    )


def open_header(file) -> PILImage.Image:
    """The file opened by the first Pillow plugin that accepts it, as Image.open does,
    less its bomb check: that raises its own error over twice Pillow's limit, where we
    want the real size in our message."""
    PILImage.init()
    file.seek(0)
    prefix = file.read(16)
    for name in PILImage.ID:
        factory, accept = PILImage.OPEN[name]
        if accept and not accept(prefix):
            continue
        file.seek(0)
        try:
            return factory(file, "")
        except (SyntaxError, IndexError, TypeError, struct.error):
            continue
    raise ValueError("No image plugin reads this file")


def read_header(file) -> ImageHeader:
    """Format, size and frame count, without decoding a pixel. Raises ValidationError."""
    try:
        image = open_header(file)
        frames = getattr(image, "n_frames", 1) if image.format == "GIF" else 1
        return ImageHeader(image.format or "", image.width, image.height, int(frames))
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds on bad input
        raise ValidationError(UNREADABLE, code="invalid_image") from error
    finally:
        file.seek(0)


def check_not_damaged(file, header: ImageHeader) -> None:
    """Decode what can be decoded cheaply; raises ValidationError on damage."""
    file.seek(0)
    try:
        with PILImage.open(file) as image:
            if header.format == "JPEG":
                # Decoded at 1/8 scale: the whole stream is read, a fraction stored.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
            elif header.format == "PNG":
                image.verify()  # every chunk's CRC, without inflating the pixels
            elif header.format == "GIF":
                for frame in range(header.frames):
                    image.seek(frame)
                    image.load()
            else:
                image.load()  # bounded by the pixel limit checked before
    except Exception as error:  # noqa: BLE001
        raise ValidationError(UNREADABLE, code="invalid_image") from error
    finally:
        file.seek(0)


class BoundedImageField(WagtailImageField):
    def to_python(self, data):
        if data in self.empty_values or not hasattr(data, "seek"):
            return super().to_python(data)
        header = read_header(data)
        limit = max_image_pixels()
        if header.pixels > limit:
            raise ValidationError(
                too_many_pixels_message(header, limit), code="file_too_many_pixels"
            )
        check_not_damaged(data, header)
        data.header = header
        try:
            return super().to_python(data)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - never a 500 for a bad upload
            logger.warning("Image upload refused: %s", error)
            raise ValidationError(UNREADABLE, code="invalid_image") from error

    def check_image_pixel_size(self, f):
        # Wagtail asks Willow, which decodes the image; the header was read above.
        header = getattr(f, "header", None)
        if header is None:
            return super().check_image_pixel_size(f)
        if header.pixels > max_image_pixels():
            raise ValidationError(
                too_many_pixels_message(header, max_image_pixels()),
                code="file_too_many_pixels",
            )


class BoundedImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, BoundedImageField):
            bounded = BoundedImageField(
                label=field.label, required=field.required, widget=field.widget
            )
            self.fields["file"] = bounded
