"""Product images: the upload check, saving, and the thumbnails pages show."""

import io
import warnings
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

from shop.models import ProductImage
from shop.storefront.cache import catalog_version_bump

# Formats staff may upload. Pillow reads many more (EPS calls Ghostscript, …): an
# upload is opened as one of these or not at all. (Pillow's JPEG reader also opens
# the MPO files some phones save.)
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# 40 megapixels is more than any product photo needs (8000 × 5000); decoding more
# would hold hundreds of megabytes in a web or worker process.
MAX_IMAGE_PIXELS = 40_000_000
# Longest side in pixels of each thumbnail field.
THUMBNAIL_SIZES = (("thumbnail", 320), ("thumbnail_large", 800))
THUMBNAIL_FORMAT = "WEBP" if features.check("webp") else "JPEG"
THUMBNAIL_QUALITY = 82


def _rewind(file: IO[bytes]) -> None:
    if hasattr(file, "seek"):
        file.seek(0)


def _image_open(file: IO[bytes]) -> Image.Image:
    """Open an image lazily (header only), refusing non-images and pixel bombs."""
    _rewind(file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(file, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The image has too many pixels; at most %(megapixels)s megapixels.")
            % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_too_large",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a JPEG, PNG, WebP or GIF image."),
            code="not_an_image",
        ) from error
    width, height = picture.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "The image is %(width)s × %(height)s pixels; "
                "at most %(megapixels)s megapixels are accepted."
            )
            % {
                "width": width,
                "height": height,
                "megapixels": MAX_IMAGE_PIXELS // 1_000_000,
            },
            code="image_too_large",
        )
    return picture


def image_file_check(*, file: IO[bytes]) -> None:
    """Raise ValidationError unless the file is a whole image of a sensible size."""
    picture = _image_open(file)
    try:
        picture.verify()
    except Exception as error:
        raise ValidationError(
            _("The image file is damaged or incomplete."), code="image_damaged"
        ) from error
    finally:
        # Not picture.close(): that would close the caller's file too.
        _rewind(file)


def _displayable(picture: Image.Image) -> Image.Image:
    """RGB, or RGBA where the source has transparency; the thumbnail format's modes."""
    has_alpha = picture.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (
        picture.mode == "P" and "transparency" in picture.info
    )
    if THUMBNAIL_FORMAT == "JPEG" and has_alpha:
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    wanted = "RGBA" if has_alpha else "RGB"
    return picture if picture.mode == wanted else picture.convert(wanted)


def _encoded(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, THUMBNAIL_FORMAT, quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def product_image_thumbnails_make(*, image: ProductImage) -> ProductImage:
    """Make the 320 px and 800 px thumbnails of a product image and store them."""
    with image.image.open("rb") as file:
        picture = _image_open(file)
        try:
            if picture.format in {"JPEG", "MPO"}:
                # Let the JPEG decoder scale down while decoding: much less work.
                largest = max(size for _field, size in THUMBNAIL_SIZES)
                picture.draft("RGB", (largest, largest))
            picture.load()
            upright = ImageOps.exif_transpose(picture)
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                _("The image file is damaged or incomplete."), code="image_damaged"
            ) from error
    upright = _displayable(upright)
    extension = THUMBNAIL_FORMAT.lower().replace("jpeg", "jpg")
    # Largest first, each made from the previous one: one full-size resample only.
    for field_name, size in sorted(THUMBNAIL_SIZES, key=lambda item: -item[1]):
        upright.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
        field = getattr(image, field_name)
        if field:
            field.delete(save=False)
        name = f"{image.product_id}/{image.pk}-{size}.{extension}"
        # The name is this image's own: a file left there (a restored database,
        # an interrupted run) is replaced instead of saved beside under a new name.
        target = field.field.generate_filename(image, name)
        if field.storage.exists(target):
            field.storage.delete(target)
        field.save(name, ContentFile(_encoded(upright)), save=False)
    image.save(update_fields=[field_name for field_name, _size in THUMBNAIL_SIZES])
    catalog_version_bump()
    return image


def product_image_save(
    *, image: ProductImage, make_thumbnails_now: bool = False
) -> ProductImage:
    """Save a product image; a new or replaced file gets its thumbnails made."""
    stored_name = (
        ProductImage.objects.filter(pk=image.pk).values_list("image", flat=True).first()
        if image.pk
        else None
    )
    image.save()
    catalog_version_bump()
    stale = stored_name != image.image.name
    if stale or not image.thumbnail or not image.thumbnail_large:
        if make_thumbnails_now:
            product_image_thumbnails_make(image=image)
        else:
            from shop.catalog.tasks import product_image_thumbnails_task

            image_id = image.pk
            transaction.on_commit(lambda: product_image_thumbnails_task.delay(image_id))
    return image


def product_image_delete(*, image: ProductImage) -> None:
    """Delete a product image and, once that is committed, its files."""
    files = [image.image, image.thumbnail, image.thumbnail_large]
    names = [(f.storage, f.name) for f in files if f.name]
    image.delete()
    catalog_version_bump()

    def _files_delete() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(_files_delete)
