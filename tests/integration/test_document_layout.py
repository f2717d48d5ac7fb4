"""Documents print right at every size: a sweep of invoices and proposals in both
languages with 1 to 80 lines and prices from 0,01 to 999 999 999,99 ₽, read back with
``pdftotext``: every number whole on one line, the totals, the amount in words and the
signatures together on one page with at least the last two lines, and the payment QR
code within the ГОСТ limits, asking for what is left to pay."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from salesdesk.documents.pdfkit import amount, qty
from salesdesk.documents.qr import BANK_MAX, MANDATORY_MAX_BYTES, NAME_MAX
from salesdesk.documents.render import Branding, render_document
from salesdesk.documents.totals import compute_document, compute_line
from salesdesk.documents.words import amount_in_words_ru
from salesdesk.i18n import Tr
from salesdesk.services.documents import DocumentRecord, LineRecord

PRICES = [Decimal(p) for p in ("0.01", "0.99", "7.50", "999.99", "12900", "1000000",
                               "10000000", "99999999.99", "999999999.99")]
UNITS = ["шт", "компл.", "усл", "кг", "м²", "упак."]
PARTIES = {
    "supplier": {"name": "ООО «Ромашка»", "inn": "7707083893", "kpp": "773601001",
                 "address": "г. Москва, ул. Тверская, д. 1", "bank_name": "ПАО Сбербанк",
                 "bik": "044525225", "corr_account": "30101810400000000225",
                 "settlement_account": "40702810938000012345",
                 "head_name": "Воронина Анна Сергеевна",
                 "accountant_name": "Котова Марина Олеговна"},
    "buyer": {"name": "ООО «Альфа-Трейд»", "inn": "7736050003", "kpp": "773601001",
              "address": "г. Москва, ул. Ленина, д. 5", "contact": "Орлов Павел Сергеевич"},
    "author": {"name": "Кузнецов Пётр Андреевич", "position": "Менеджер",
               "phone": "+7 495 123-45-67"},
}


def make_document(kind: str, lang: str, count: int, price: Decimal, paid: Decimal = Decimal(0),
                  vat_column: bool = False) -> DocumentRecord:
    """``count`` lines at ``price`` (every line a little different, as real ones are)."""
    lines = []
    for i in range(count):
        quantity = Decimal(1 + i % 3) if i % 7 else Decimal("1.5")
        discount = Decimal(5) if i % 4 == 1 else Decimal(0)
        rate = ("none", "22", "10", "22", "0")[i % 5] if i % 3 == 0 else "22"
        figures = compute_line(quantity, price, discount, rate, True)
        text = f"Line{i + 1:03d} стол письменный" + " с тумбой и ящиками" * (i % 4)
        lines.append(LineRecord(i + 1, None, text, quantity, UNITS[i % len(UNITS)], price,
                                discount, rate, figures.amount, figures.vat))
    totals = compute_document([(ln.quantity, ln.price, ln.discount_pct, ln.vat_rate)
                               for ln in lines], True)
    status = "issued" if paid == 0 else "partially_paid"
    return DocumentRecord(
        id=uuid.uuid4(), kind=kind, number="R1-0042" if kind == "invoice" else "R1-P0042",
        status=status, client_id=uuid.uuid4(), client_name="ООО «Альфа-Трейд»", deal_id=None,
        owner_id=uuid.uuid4(), owner_name="Кузнецов Пётр Андреевич", doc_date=date(2026, 3, 5),
        valid_until=date(2026, 3, 19) if kind == "proposal" else None,
        due_date=date(2026, 3, 10) if kind == "invoice" else None, title="Мебель для офиса",
        lead="Предлагаем комплект мебели.", basis=None,
        payment_terms="Оплата 100 % по счёту в течение 5 банковских дней.",
        delivery_terms="Доставка в течение 3 рабочих дней после оплаты.", notes=None,
        language=lang, currency="RUB", vat_included=True, subtotal=totals.subtotal,
        vat_total=totals.vat, total=totals.total, paid_total=paid, source_id=None,
        replaces_id=None, cancelled_reason=None, snapshot=None, version=1, lines=lines)


def page_texts(pdf: bytes, folder: Path) -> list[str]:
    """The text of each page (``pdftotext -layout``: one printed line, one text line)."""
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [page.replace("\u00a0", " ") for page in out.split("\f") if page.strip()]


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _marks(lang: str, kind: str) -> dict[str, str]:
    """What starts the totals block, the amount in words and the signatures."""
    t = Tr(lang)
    return {"totals": t._("Subtotal:"), "signature": t._("Director") if kind == "invoice"
            else t._("Yours sincerely,")}


def check_layout(doc: DocumentRecord, pages: list[str]) -> None:
    """The assertions of the sweep (see the module's docstring)."""
    t = Tr(doc.language)
    text_lines = [_plain(line) for page in pages for line in page.splitlines()]
    totals = compute_document([(ln.quantity, ln.price, ln.discount_pct, ln.vat_rate)
                               for ln in doc.lines], doc.vat_included)
    numbers = {amount(doc.total, t)} | {amount(vat, t) for rate, vat in totals.vat_by_rate.items()
                                        if rate != "none" and not totals.without_vat}
    for line in doc.lines:
        numbers |= {amount(line.price, t), amount(line.amount, t), qty(line.quantity, t)}
        numbers.add(line.unit)
    for number in numbers:  # each whole on one printed line
        pattern = re.compile(rf"(^|\s){re.escape(_plain(number))}(\s|$)")
        assert any(pattern.search(line) for line in text_lines), (number, len(doc.lines))
    if doc.kind == "invoice" and t.lang == "ru":  # "рублей 56 копеек" on one line
        ending = " ".join(amount_in_words_ru(doc.total).split()[-3:])
        assert any(ending in line for line in text_lines), (ending, len(doc.lines))
    marks = _marks(doc.language, doc.kind)
    [totals_page] = [i for i, page in enumerate(pages) if marks["totals"] in page]
    words = [amount_in_words_ru(doc.total)] if doc.kind == "invoice" and t.lang == "ru" else []
    for mark in [marks["signature"], *words, t._("Total to pay:") if doc.kind == "invoice"
                 else t._("Grand total:")]:
        found = [i for i, page in enumerate(pages) if mark in re.sub(r"\s+", " ", page)]
        assert found == [totals_page], (mark, found, totals_page, len(doc.lines))
    # The last two lines (or the only one) are on the page of the totals, above them.
    for line in doc.lines[-2:]:
        token = line.description.split()[0]
        assert token in pages[totals_page], (token, len(doc.lines))
    # No page begins with the totals, the words or the signatures.
    for index, page in enumerate(pages[1:], start=1):
        body = [ln.strip() for ln in page.splitlines() if ln.strip()][1:]  # after the title
        first = body[0] if body else ""
        for mark in [marks["totals"], marks["signature"], *(w[:20] for w in words)]:
            assert not first.startswith(mark), (index, first, len(doc.lines))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layout")


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("kind", ["invoice", "proposal"])
def test_every_size_prints_right(kind: str, lang: str, folder: Path) -> None:
    for count in range(1, 81):
        price = PRICES[count % len(PRICES)]
        doc = make_document(kind, lang, count, price, vat_column=count % 2 == 0)
        pdf = render_document(doc, PARTIES, Branding(vat_column=count % 2 == 0))
        check_layout(doc, page_texts(pdf, folder))


def decode_qr(pdf: bytes, folder: Path) -> str:
    assert shutil.which("zbarimg"), "zbar-tools is needed (scripts/system-deps test)"
    path = folder / "qr.pdf"
    path.write_bytes(pdf)
    for old in folder.glob("qr*.png"):
        old.unlink()
    # 150 dpi: the module size is large enough for an ordinary office printer.
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path),
                    str(folder / "qr")], check=True)
    image = next(folder.glob("qr*.png"))
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


@pytest.mark.parametrize("price", PRICES)
def test_the_qr_asks_for_what_is_left_to_pay(price: Decimal, folder: Path) -> None:
    doc = make_document("invoice", "ru", 3, price)
    paid = (doc.total / 3).quantize(Decimal("0.01")) if doc.total >= Decimal("0.03") else 0
    if paid:
        doc = replace(doc, paid_total=paid, status="partially_paid")
    payload = decode_qr(render_document(doc, PARTIES), folder)
    separator = payload[7]
    fields = dict(part.split("=", 1) for part in payload.split(separator)[1:])
    assert int(fields["Sum"]) == int((doc.total - doc.paid_total) * 100)
    assert len(fields["Name"]) <= NAME_MAX and len(fields["BankName"]) <= BANK_MAX
    mandatory = separator.join(payload.split(separator)[:6])
    assert len(mandatory.encode("utf-8")) <= MANDATORY_MAX_BYTES


def test_long_terms_run_over_pages_and_keep_the_signatures_company(folder: Path) -> None:
    """Terms as long as the services allow are laid out across pages, and the
    signatures still never start a page alone."""
    long = " ".join(["Оплата по счёту в течение пяти банковских дней с даты счёта."] * 80)
    for kind in ("invoice", "proposal"):
        doc = replace(make_document(kind, "ru", 12, Decimal("1500")),
                      payment_terms=long[:5000], delivery_terms=long[:5000])
        pages = page_texts(render_document(doc, PARTIES), folder)
        signature = _marks("ru", kind)["signature"]
        [page] = [p for p in pages if signature in p]
        body = [ln.strip() for ln in page.splitlines() if ln.strip()][1:]
        assert not body[0].startswith(signature)


def test_emoji_print_and_only_embedded_fonts_are_named(folder: Path) -> None:
    """An emoji in a line prints as itself (not an empty box), and the PDF names no
    font it does not carry (reportlab's Helvetica was named on every page)."""
    doc = make_document("invoice", "ru", 2, Decimal("100"))
    line = replace(doc.lines[0], description="Доставка 📦 до двери ✅ — 👍🏽")
    pdf = render_document(replace(doc, lines=[line, doc.lines[1]]), PARTIES)
    [page] = page_texts(pdf, folder)
    # (Emoji beyond U+FFFF print, but reportlab's text layer maps them to 16 bits: a
    # copy and paste of "📦" from the PDF gives another character.)
    assert "✅" in page and "Доставка" in page
    path = folder / "fonts.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts  # embedded
    assert any("Symbola" in row for row in fonts)
    assert not any("Helvetica" in row for row in fonts)
