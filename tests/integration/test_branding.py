"""The office's logo, stamp and signatures: checked like any file a user brings, printed
where they belong only when asked for, and carried to the laptops."""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path

import pytest

from salesdesk.branding import prepare_image
from salesdesk.errors import PermissionDenied, ValidationError
from salesdesk.services import clients, company, documents
from tests.conftest import Office
from tests.integration.test_sync import as_user, exchange, laptop


def png(width: int = 300, height: int = 200, colour: tuple[int, ...] = (30, 60, 170),
        background: tuple[int, ...] = (255, 255, 255)) -> bytes:
    """A white sheet with a coloured disc: what a scanned stamp looks like."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), background)
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4),
                                  fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 2400, height: int = 1600) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def test_images_are_checked_scaled_and_their_paper_made_transparent() -> None:
    from PIL import Image

    stamp = Image.open(io.BytesIO(prepare_image(png(), "stamp")))
    assert stamp.format == "PNG" and stamp.mode == "RGBA"
    # Cropped to the ink, and the white around the disc is transparent.
    assert stamp.size == (151, 101) or max(stamp.size) <= 152
    assert stamp.getpixel((0, 0))[3] == 0 and stamp.getpixel((75, 50))[3] == 255
    logo = Image.open(io.BytesIO(prepare_image(jpeg(), "logo")))
    assert max(logo.size) == 1200 and logo.getpixel((5, 5))[3] == 255  # a logo stays opaque

    for data, why in ((b"GIF89a" + b"\0" * 100, "PNG or JPEG"),
                      (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "damaged"),
                      (png(8, 8), "too small"),
                      (png(colour=(255, 255, 255)), "blank"),
                      (b"x" * (11 * 1024 * 1024), "PNG or JPEG")):
        with pytest.raises(ValidationError, match=why) as caught:
            prepare_image(data, "stamp")
        assert caught.value.problems[0].field == "Stamp"


def test_a_decompression_bomb_is_refused_before_it_is_unpacked() -> None:
    """A 20 KB PNG that claims 50,000 × 50,000 pixels (2.5 gigapixels) is refused from
    its header."""
    raw = b"\x00" + b"\x00" * (50_000 // 8)  # one filter byte and a 1-bit row
    header = (50_000).to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw * 50, 9)) + chunk(b"IEND", b""))
    assert len(bomb) < 50_000
    with pytest.raises(ValidationError, match="too many pixels"):
        prepare_image(bomb, "logo")


def test_only_the_head_sets_images_and_a_bad_one_changes_nothing(office: Office) -> None:
    company.update_company(office.db, office.head, {"stamp": png()})
    before = company.get_company(office.db, office.head)
    assert before.stamp and before.stamp.startswith(b"\x89PNG")
    for actor in (office.manager1, office.rep1):
        with pytest.raises(PermissionDenied):
            company.update_company(office.db, actor, {"stamp": png()})
    with pytest.raises(ValidationError, match="Head's signature"):
        company.update_company(office.db, office.head, {"signature_head": b"not an image",
                                                        "name": "Другое имя"})
    after = company.get_company(office.db, office.head)
    assert after.stamp == before.stamp and after.name == before.name
    company.update_company(office.db, office.head, {"stamp": None})
    assert company.get_company(office.db, office.head).stamp is None


def _images_in(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    return len([row for row in listing if row.split()[2] == "image"])


def test_stamp_and_signatures_print_only_on_the_copy_that_asks(office: Office,
                                                               tmp_path: Path) -> None:
    company.update_company(office.db, office.head, {
        "stamp": png(), "signature_head": png(400, 120), "signature_accountant": png(400, 120)})
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа»",
                                                            "inn": "7707083893"}).client
    draft = documents.create_document(office.db, office.rep1, "invoice", client.id, lines=[
        {"description": "Стол", "quantity": "1", "unit": "шт", "price": "1000"}])
    invoice = documents.issue_document(office.db, office.rep1, draft.id)
    plain = documents.document_pdf(office.db, office.rep1, invoice.id)
    stamped = documents.document_pdf(office.db, office.rep1, invoice.id, stamped=True)
    assert _images_in(plain, tmp_path) == 0
    # The stamp and two signatures (each PNG with transparency brings its soft mask).
    assert _images_in(stamped, tmp_path) == 3
    # The images are decoded once for the process: a second copy draws the same ones,
    # each page naming what it draws (a viewer finds every image it is told to paint).
    again = documents.document_pdf(office.db, office.rep1, invoice.id, stamped=True)
    assert _images_in(again, tmp_path) == 3
    (tmp_path / "again.pdf").write_bytes(again)
    shown = subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / "again.pdf"),
                            str(tmp_path / "again")], capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stderr == ""


def test_terms_follow_the_document_language(office: Office) -> None:
    company.update_company(office.db, office.head, {
        "payment_terms": "Оплата в течение 5 дней.", "payment_terms_en": "Pay within 5 days.",
        "delivery_terms_en": "Delivery in 3 days."})
    ru = clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа»"}).client
    en = clients.create_client(office.db, office.rep1, {"name": "Acme Ltd",
                                                        "document_language": "en"}).client
    one = documents.create_document(office.db, office.rep1, "invoice", ru.id)
    two = documents.create_document(office.db, office.rep1, "invoice", en.id)
    assert one.payment_terms == "Оплата в течение 5 дней."
    assert (two.payment_terms, two.delivery_terms) == ("Pay within 5 days.",
                                                       "Delivery in 3 days.")


def test_the_stamp_reaches_the_laptops(office: Office, tmp_path: Path) -> None:
    db = laptop(office, "rep1", tmp_path)
    company.update_company(office.db, office.head, {"stamp": png(),
                                                    "signature_head": png(400, 120)})
    exchange(office.db, office.head, db, as_user(db, "rep1"), tmp_path, for_login="rep1")
    there = company.get_company(db, as_user(db, "rep1"))
    here = company.get_company(office.db, office.head)
    assert there.stamp == here.stamp and there.signature_head == here.signature_head
