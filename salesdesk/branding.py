"""The office's images on its documents: logo, stamp (печать) and two signatures.

An image is a file the user picked, so it is checked as untrusted input: its size
before it is decoded, that it really is a PNG or a JPEG, its pixel count (a small file
can unpack into gigabytes), and that it decodes whole. It is then scaled to what a
printed page needs and stored as a PNG. A stamp or a signature is usually scanned on
white paper: its white is made transparent, so that the stamp lies over the signature
line and the signature over the name, as they do on paper.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from salesdesk.errors import ValidationError
from salesdesk.i18n import _

MAX_FILE_BYTES = 10 * 1024 * 1024
"""The largest image file accepted (a phone photo of a stamp is 2–6 MB)."""
MAX_PIXELS = 40_000_000
"""The most pixels decoded (a 40-megapixel scan); more is refused before decoding."""

KINDS = ("logo", "stamp", "signature_head", "signature_accountant")


@dataclass(frozen=True)
class ImageKind:
    """How one kind of image is stored: its label and the longest side kept."""

    key: str
    label: str
    longest_side: int
    transparent_white: bool


def image_kinds() -> dict[str, ImageKind]:
    """The four images, with labels in the current language."""
    return {
        # 1,200 px across 50 mm is 600 dpi: sharp on any printer, a few hundred KB.
        "logo": ImageKind("logo", _("Logo"), 1200, False),
        "stamp": ImageKind("stamp", _("Stamp"), 1000, True),
        "signature_head": ImageKind("signature_head", _("Head's signature"), 900, True),
        "signature_accountant": ImageKind("signature_accountant",
                                          _("Accountant's signature"), 900, True),
    }


def read_image_file(path: Path, field: str) -> bytes:
    """The bytes of an image file the user named, its size checked before it is read;
    what goes wrong is a ValidationError naming ``field`` (an option, a label)."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(field, _("must be a PNG or JPEG image up to 10 MB"))
        return file.read_bytes()
    except FileNotFoundError:
        raise ValidationError(field, _("no such file: {path}").format(path=path)) from None
    except IsADirectoryError:
        raise ValidationError(field, _("{path} is a folder, not an image").format(
            path=path)) from None
    except PermissionError:
        raise ValidationError(field, _("cannot read {path}: permission denied").format(
            path=path)) from None
    except OSError as exc:
        raise ValidationError(field, str(exc.strerror or exc)) from None


def prepare_image(data: bytes, kind: str) -> bytes:
    """The checked, scaled PNG to store for ``kind``, or a ValidationError naming it."""
    from PIL import Image, UnidentifiedImageError

    spec = image_kinds()[kind]
    rule = _("must be a PNG or JPEG image up to 10 MB")
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationError(spec.label, rule)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(spec.label, rule)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ValidationError(spec.label, rule)
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in ("PNG", "JPEG"):
                raise ValidationError(spec.label, rule)
            width, height = probe.size
            if width < 16 or height < 16:
                raise ValidationError(spec.label, _("is too small ({w}×{h} pixels); at least "
                                                    "16×16").format(w=width, h=height))
            if width * height > MAX_PIXELS:
                raise ValidationError(spec.label, _(
                    "has too many pixels ({w}×{h}); at most 40 megapixels").format(
                    w=width, h=height))
            probe.load()
            image = probe.convert("RGBA")
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard, from the header alone
        raise ValidationError(spec.label, _("has too many pixels; at most 40 megapixels")
                              ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(spec.label, _("is damaged or not an image")) from None
    image.thumbnail((spec.longest_side, spec.longest_side), Image.Resampling.LANCZOS)
    if spec.transparent_white:
        image = _white_to_transparent(image)
        box = image.getchannel("A").getbbox()  # the ink alone, without the paper around
        if box is None:
            raise ValidationError(spec.label, _("is blank: no ink on it"))
        image = image.crop(box)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _white_to_transparent(image: object) -> object:
    """Paper white becomes transparent, ink stays; greys in between fade (no halo)."""
    from PIL import ImageChops

    grey = image.convert("L")  # type: ignore[attr-defined]
    # 235 and lighter: paper; 175 and darker: ink; a linear ramp between.
    ink = grey.point(lambda v: 0 if v >= 235 else 255 if v <= 175 else (235 - v) * 255 // 60)
    red, green, blue, alpha = image.split()  # type: ignore[attr-defined]
    from PIL import Image

    return Image.merge("RGBA", (red, green, blue, ImageChops.multiply(alpha, ink)))


def image_size(data: bytes | None) -> tuple[int, int] | None:
    """Width and height of a stored image in pixels (``None`` for none or a damaged one)."""
    if not data:
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # a stored image is shown or left out; it never stops a screen
        return None
