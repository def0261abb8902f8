import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config.celery import app as celery_app
from shop.catalog import images
from shop.catalog.images import (
    image_file_check,
    product_image_delete,
    product_image_save,
    product_image_thumbnails_make,
)
from shop.catalog.tasks import product_image_thumbnails_task
from shop.models import ProductImage
from shop.storefront.cache import CATALOG_VERSION_KEY
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

RED = (220, 30, 30)
BLUE = (30, 30, 220)
EXIF_ORIENTATION = 0x0112
ROTATE_90_CLOCKWISE = 6


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _encoded(picture: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def _halves(size, mode="RGB", left=RED, right=BLUE) -> Image.Image:
    """Left half one colour, right half another."""
    picture = Image.new(mode, size, right)
    picture.paste(left, (0, 0, size[0] // 2, size[1]))
    return picture


def _product_image(content: bytes, name: str = "photo.jpg") -> ProductImage:
    return ProductImage.objects.create(
        product=make_product(), image=SimpleUploadedFile(name, content)
    )


def _size(field) -> tuple[int, int]:
    with Image.open(field.path) as picture:
        return picture.size


def _close_to(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


def test_thumbnails_have_320_and_800_pixels_on_the_longest_side():
    image = _product_image(_encoded(_halves((1600, 1200)), "JPEG"))

    product_image_thumbnails_make(image=image)

    image.refresh_from_db()
    assert _size(image.thumbnail) == (320, 240)
    assert _size(image.thumbnail_large) == (800, 600)


def test_portrait_thumbnails_are_limited_by_their_height():
    image = _product_image(_encoded(_halves((1000, 2000)), "PNG"), "tall.png")

    product_image_thumbnails_make(image=image)

    assert _size(image.thumbnail) == (160, 320)
    assert _size(image.thumbnail_large) == (400, 800)


def test_small_image_is_not_enlarged():
    image = _product_image(_encoded(_halves((200, 100)), "PNG"), "small.png")

    product_image_thumbnails_make(image=image)

    assert _size(image.thumbnail) == (200, 100)
    assert _size(image.thumbnail_large) == (200, 100)


def test_thumbnails_are_webp_stored_under_stable_names():
    image = _product_image(_encoded(_halves((900, 600)), "JPEG"))

    product_image_thumbnails_make(image=image)

    assert image.thumbnail.name == f"thumbs/{image.product_id}/{image.pk}-320.webp"
    assert image.thumbnail_large.name == (
        f"thumbs/{image.product_id}/{image.pk}-800.webp"
    )
    with Image.open(image.thumbnail.path) as picture:
        assert picture.format == "WEBP"


def test_exif_orientation_is_honoured():
    stored = _halves((1200, 600))
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CLOCKWISE
    image = _product_image(_encoded(stored, "JPEG", exif=exif.tobytes()))

    product_image_thumbnails_make(image=image)

    with Image.open(image.thumbnail_large.path) as picture:
        upright = picture.convert("RGB")
    assert upright.size == (400, 800)
    # Turned clockwise, the stored left half (red) is on top.
    assert _close_to(upright.getpixel((200, 100)), RED)
    assert _close_to(upright.getpixel((200, 700)), BLUE)


def test_transparent_png_keeps_its_transparency():
    picture = Image.new("RGBA", (640, 480), (0, 0, 0, 0))
    picture.paste((*RED, 255), (0, 0, 320, 480))
    image = _product_image(_encoded(picture, "PNG"), "cut-out.png")

    product_image_thumbnails_make(image=image)

    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.size == (320, 240)
        assert thumbnail.mode == "RGBA"
        assert thumbnail.getpixel((300, 100))[3] == 0
        assert _close_to(thumbnail.getpixel((20, 100)), RED)


def test_transparent_png_is_flattened_on_white_for_jpeg(monkeypatch):
    monkeypatch.setattr(images, "THUMBNAIL_FORMAT", "JPEG")
    picture = Image.new("RGBA", (640, 480), (0, 0, 0, 0))
    picture.paste((*RED, 255), (0, 0, 320, 480))
    image = _product_image(_encoded(picture, "PNG"), "cut-out.png")

    product_image_thumbnails_make(image=image)

    assert image.thumbnail.name.endswith("-320.jpg")
    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.mode == "RGB"
        assert _close_to(thumbnail.getpixel((300, 100)), (255, 255, 255))
        assert _close_to(thumbnail.getpixel((20, 100)), RED)


@pytest.mark.parametrize("mode", ["P", "L", "CMYK", "LA"])
def test_other_image_modes_are_converted(mode):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    picture = _halves((500, 400)).convert(mode)
    image = _product_image(_encoded(picture, fmt), f"photo.{fmt.lower()}")

    product_image_thumbnails_make(image=image)

    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.size == (320, 256)
        assert thumbnail.mode in {"RGB", "RGBA"}


def test_garbage_bytes_are_rejected():
    image = _product_image(b"\x89PNG not really" + bytes(range(256)) * 4, "x.png")

    with pytest.raises(ValidationError) as raised:
        product_image_thumbnails_make(image=image)

    assert raised.value.code == "not_an_image"
    image.refresh_from_db()
    assert not image.thumbnail


def test_upload_check_rejects_garbage_and_truncated_images():
    whole = _encoded(_halves((300, 200)), "PNG")

    with pytest.raises(ValidationError) as garbage:
        image_file_check(file=io.BytesIO(b"GIF89a" + b"\x00" * 10))
    with pytest.raises(ValidationError) as truncated:
        image_file_check(file=io.BytesIO(whole[: len(whole) // 2]))

    assert garbage.value.code in {"not_an_image", "image_damaged"}
    assert truncated.value.code == "image_damaged"
    image_file_check(file=io.BytesIO(whole))


def test_upload_check_rejects_formats_pillow_could_read_but_we_do_not_accept():
    tiff = _encoded(_halves((30, 20)), "TIFF")

    with pytest.raises(ValidationError) as raised:
        image_file_check(file=io.BytesIO(tiff))

    assert raised.value.code == "not_an_image"


def test_upload_check_rejects_too_many_pixels(monkeypatch):
    monkeypatch.setattr(images, "MAX_IMAGE_PIXELS", 100 * 100 - 1)

    with pytest.raises(ValidationError) as raised:
        image_file_check(file=io.BytesIO(_encoded(_halves((100, 100)), "PNG")))

    assert raised.value.code == "image_too_large"
    assert "100 × 100 pixels" in raised.value.messages[0]


def test_decompression_bomb_is_rejected(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    bomb = _encoded(Image.new("1", (3000, 3000)), "PNG")

    with pytest.raises(ValidationError) as raised:
        image_file_check(file=io.BytesIO(bomb))

    assert raised.value.code == "image_too_large"


def test_remaking_thumbnails_replaces_the_files(media_root):
    image = _product_image(_encoded(_halves((900, 600)), "JPEG"))
    product_image_thumbnails_make(image=image)

    product_image_thumbnails_make(image=image)

    thumbs = sorted(p.name for p in (media_root / "thumbs").rglob("*") if p.is_file())
    assert thumbs == [f"{image.pk}-320.webp", f"{image.pk}-800.webp"]


def test_thumbnails_bump_the_catalog_version(django_capture_on_commit_callbacks):
    image = _product_image(_encoded(_halves((900, 600)), "JPEG"))
    before = cache.get(CATALOG_VERSION_KEY, 0)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_thumbnails_make(image=image)

    assert cache.get(CATALOG_VERSION_KEY) == before + 1


def test_task_makes_the_thumbnails():
    image = _product_image(_encoded(_halves((900, 600)), "JPEG"))

    product_image_thumbnails_task(image.pk)

    image.refresh_from_db()
    assert _size(image.thumbnail) == (320, 213)


def test_task_for_a_deleted_or_unreadable_image_does_nothing():
    image = _product_image(b"not an image at all", "x.jpg")

    product_image_thumbnails_task(image.pk)
    product_image_thumbnails_task(image.pk + 1000)

    image.refresh_from_db()
    assert not image.thumbnail


def test_saved_image_gets_thumbnails_once_committed(
    eager_celery, django_capture_on_commit_callbacks
):
    image = ProductImage(
        product=make_product(),
        image=SimpleUploadedFile("photo.jpg", _encoded(_halves((900, 600)), "JPEG")),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        product_image_save(image=image)
    image.refresh_from_db()
    assert not image.thumbnail

    for callback in callbacks:
        callback()

    image.refresh_from_db()
    assert _size(image.thumbnail_large) == (800, 533)


def test_saving_an_image_again_without_a_new_file_keeps_its_thumbnails(
    eager_celery, django_capture_on_commit_callbacks
):
    image = _product_image(_encoded(_halves((900, 600)), "JPEG"))
    product_image_thumbnails_make(image=image)
    image.alt_text_en = "Red and blue"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product_image_save(image=image)

    assert len(callbacks) == 1  # only the catalog version bump


def test_deleting_an_image_removes_its_files(
    media_root, django_capture_on_commit_callbacks
):
    image = _product_image(_encoded(_halves((900, 600)), "JPEG"))
    product_image_thumbnails_make(image=image)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image=image)

    assert [p for p in media_root.rglob("*") if p.is_file()] == []
    assert not ProductImage.objects.filter(pk=image.pk).exists()
