"""Proposals and invoices: workflow, numbering, payments, and PDFs that print right."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.documents.words import amount_in_words_ru
from salesdesk.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import auditlog, clients, contacts, deliveries, documents, products
from tests.conftest import Office

DAY = date(2026, 3, 5)


@pytest.fixture
def setup(office: Office) -> dict:
    client = clients.create_client(office.db, office.rep1, {
        "name": "ООО «Альфа-Трейд»", "inn": "7736050003", "kpp": "773601001",
        "address": "г. Москва, ул. Ленина, д. 5"}).client
    contacts.add_contact(office.db, office.rep1, client.id, {"name": "Орлов Павел Сергеевич",
                                                             "position": "Директор"})
    chair = products.create_product(office.db, office.manager1, {
        "name": "Кресло офисное «Бюрократ CH-868»", "price": "12 900", "unit": "шт",
        "vat_rate": "22"})
    return {"client": client, "chair": chair}


LINES = [
    {"quantity": "3"},  # filled from the chair product
    {"description": "Доставка по Москве", "quantity": "1", "unit": "усл", "price": "2500"},
    {"description": "Учебник «Продажи B2B»", "quantity": "2", "unit": "шт", "price": "1250.50",
     "vat_rate": "10", "discount_pct": "5"},
]


def _lines(setup: dict) -> list[dict]:
    return [{**LINES[0], "product_id": setup["chair"].id}, *LINES[1:]]


def test_proposal_to_paid_invoice(office: Office, setup: dict) -> None:
    db, rep = office.db, office.rep1
    draft = documents.create_document(db, rep, "proposal", setup["client"].id,
                                      values={"title": "Мебель для офиса"}, lines=_lines(setup),
                                      today=DAY)
    assert draft.status == "draft" and draft.number is None
    assert draft.lines[0].description.startswith("Кресло") and draft.lines[0].price == 12900
    assert draft.total == Decimal("38700.00") + Decimal("2500.00") + Decimal("2375.95")
    assert draft.vat_total == Decimal("7645.51")
    proposal = documents.issue_document(db, rep, draft.id, today=DAY)
    assert proposal.number == "REP1-P0001" and proposal.valid_until == DAY + timedelta(days=14)
    assert proposal.snapshot["buyer"]["contact"] == "Орлов Павел Сергеевич"
    documents.mark_sent(db, rep, proposal.id)
    invoice = documents.invoice_from_proposal(db, rep, proposal.id, issue=True, today=DAY)
    assert documents.get_document(db, rep, proposal.id).status == "accepted"
    assert invoice.number == "REP1-0001" and invoice.source_id == proposal.id
    assert [ln.amount for ln in invoice.lines] == [ln.amount for ln in proposal.lines]
    assert invoice.basis == "Коммерческое предложение № REP1-P0001 от 5 марта 2026 г."
    assert invoice.due_date == DAY + timedelta(days=5)
    with pytest.raises(PermissionDenied, match=r"payment\.record"):
        documents.record_payment(db, rep, invoice.id, "1000", DAY)
    part = documents.record_payment(db, office.manager1, invoice.id, "10 000", DAY)
    assert part.status == "partially_paid" and part.due_amount == invoice.total - 10000
    with pytest.raises(ValidationError, match="more than is due"):
        documents.record_payment(db, office.manager1, invoice.id, str(invoice.total), DAY)
    paid = documents.record_payment(db, office.head, invoice.id, str(part.due_amount),
                                    DAY + timedelta(days=2))
    assert paid.status == "paid" and len(paid.payments) == 2
    with pytest.raises(ValidationError, match="payments"):
        documents.cancel_document(db, office.head, invoice.id, "ошибка")
    delivery = deliveries.create_delivery(db, rep, {"description": "Кресла",
                                                    "due_date": "2026-03-20"},
                                          invoice_id=invoice.id)
    assert delivery.invoice_number == "REP1-0001" and delivery.client_id == setup["client"].id


def test_numbers_are_gapless_per_series_and_never_reused(office: Office, setup: dict) -> None:
    db = office.db

    def new_invoice(actor: object, **kw: object) -> documents.DocumentRecord:
        draft = documents.create_document(db, actor, "invoice", setup["client"].id,
                                          lines=_lines(setup), today=DAY)
        return documents.issue_document(db, actor, draft.id, today=DAY)

    first, second = new_invoice(office.rep1), new_invoice(office.rep1)
    documents.cancel_document(db, office.manager1, second.id, "ошибка в количестве")
    empty = documents.create_document(db, office.rep1, "invoice", setup["client"].id, today=DAY)
    with pytest.raises(ValidationError, match="at least one line"):
        documents.issue_document(db, office.rep1, empty.id, today=DAY)
    third = new_invoice(office.rep1)
    by_manager = new_invoice(office.manager1)
    assert [first.number, second.number, third.number] == ["REP1-0001", "REP1-0002",
                                                           "REP1-0003"]
    assert by_manager.number == "MANA-0001"
    cancelled = documents.get_document(db, office.rep1, second.id)
    assert cancelled.status == "cancelled" and cancelled.number == "REP1-0002"


def test_issued_documents_are_not_edited_in_place(office: Office, setup: dict) -> None:
    db = office.db
    draft = documents.create_document(db, office.rep1, "invoice", setup["client"].id,
                                      lines=_lines(setup), today=DAY)
    issued = documents.issue_document(db, office.rep1, draft.id, today=DAY)
    with pytest.raises(ValidationError, match="not edited"):
        documents.update_draft(db, office.rep1, issued.id, {"notes": "x"})
    with pytest.raises(PermissionDenied):  # revising an invoice needs the right to cancel
        documents.revise_document(db, office.rep1, issued.id)
    copy = documents.revise_document(db, office.manager1, issued.id, today=DAY)
    assert copy.status == "draft" and copy.replaces_id == issued.id
    documents.update_draft(db, office.manager1, copy.id,
                           lines=[{**_lines(setup)[0], "quantity": "4"}])
    reissued = documents.issue_document(db, office.manager1, copy.id, today=DAY)
    old = documents.get_document(db, office.manager1, issued.id)
    assert old.status == "cancelled" and reissued.number in old.cancelled_reason
    trail = [e.action for e in auditlog.list_audit(db, office.head, record_id=issued.id)]
    assert trail.count("update") >= 2  # issued, then cancelled by the re-issue


def test_stale_draft_edit_is_refused(office: Office, setup: dict) -> None:
    db = office.db
    draft = documents.create_document(db, office.rep1, "proposal", setup["client"].id,
                                      lines=_lines(setup), today=DAY)
    documents.update_draft(db, office.manager1, draft.id, lines=_lines(setup)[:1],
                           expected_version=draft.version)
    with pytest.raises(ConflictError):
        documents.update_draft(db, office.rep1, draft.id, {"title": "x"},
                               expected_version=draft.version)


def test_effective_status_expired_and_overdue(office: Office, setup: dict) -> None:
    db = office.db
    proposal = documents.issue_document(db, office.rep1, documents.create_document(
        db, office.rep1, "proposal", setup["client"].id, lines=_lines(setup), today=DAY).id,
        today=DAY)
    invoice = documents.issue_document(db, office.rep1, documents.create_document(
        db, office.rep1, "invoice", setup["client"].id, lines=_lines(setup), today=DAY).id,
        today=DAY)
    assert proposal.state(DAY) == "issued" and proposal.state(DAY + timedelta(days=15)) == \
        "expired"
    assert invoice.state(DAY + timedelta(days=6)) == "overdue"
    overdue = documents.overdue_invoices(db, office.manager1, today=DAY + timedelta(days=6))
    assert [d.id for d in overdue] == [invoice.id]
    expiring = documents.expiring_proposals(db, office.rep1, today=DAY + timedelta(days=10))
    assert [d.id for d in expiring] == [proposal.id]
    assert documents.overdue_invoices(db, office.rep3, today=DAY + timedelta(days=6)) == []
    # "Overdue as of a day" is about that day: not yet due then, or paid by then, it is
    # not listed; paid only later, it still was overdue then (a report's month end).
    assert documents.overdue_invoices(db, office.manager1, today=DAY + timedelta(days=4)) == []
    later = DAY + timedelta(days=20)
    documents.record_payment(db, office.manager1, invoice.id, str(invoice.total), later)
    as_of_then = documents.overdue_invoices(db, office.manager1, today=DAY + timedelta(days=6))
    assert [d.id for d in as_of_then] == [invoice.id]
    assert documents.overdue_invoices(db, office.manager1, today=later) == []


def test_the_today_column_gets_the_first_few_and_the_count(office: Office,
                                                          setup: dict) -> None:
    """due_documents (the dashboard's "Today" column) lists the first documents of the
    full lists, in their order, and says how many there are, for each viewer."""
    db = office.db
    made = []
    for _ in range(5):
        for kind in ("proposal", "invoice"):
            made.append(documents.issue_document(db, office.rep1, documents.create_document(
                db, office.rep1, kind, setup["client"].id, lines=_lines(setup),
                today=DAY).id, today=DAY))
    for who in (office.head, office.manager1, office.rep1, office.rep3):
        for day, first in ((DAY + timedelta(days=6), 3), (DAY + timedelta(days=10), 2),
                           (DAY + timedelta(days=10), 8)):
            due = documents.due_documents(db, who, today=day, first=first)
            expiring = documents.expiring_proposals(db, who, today=day)
            overdue = documents.overdue_invoices(db, who, today=day)
            assert [d.id for d in due.proposals] == [d.id for d in expiring[:first]]
            assert [d.id for d in due.invoices] == [d.id for d in overdue[:first]]
            assert (due.proposals_total, due.invoices_total) == (len(expiring), len(overdue))
    assert documents.due_documents(db, office.head, today=DAY + timedelta(days=6),
                                   first=3).invoices_total == 5


def test_line_validation_names_the_line(office: Office, setup: dict) -> None:
    with pytest.raises(ValidationError) as info:
        documents.create_document(office.db, office.rep1, "invoice", setup["client"].id,
                                  lines=[{"description": "", "quantity": "0", "price": "-1"}])
    fields = {p.field for p in info.value.problems}
    assert {"Line 1: Item", "Line 1: Quantity", "Line 1: Price"} <= fields


def test_company_bank_details_are_needed_for_invoices(office: Office, setup: dict) -> None:
    from salesdesk.services.company import update_company

    update_company(office.db, office.head, {"settlement_account": None})
    draft = documents.create_document(office.db, office.rep1, "invoice", setup["client"].id,
                                      lines=_lines(setup))
    with pytest.raises(ValidationError, match="Settlement account"):
        documents.issue_document(office.db, office.rep1, draft.id)


# --- PDFs ----------------------------------------------------------------------------------

def pdftotext(data: bytes, tmp_path: Path, name: str = "doc") -> list[str]:
    """The text of each page."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    pages = []
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout).group(1))
    for page in range(1, count + 1):
        out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page),
                              str(path), "-"], capture_output=True, text=True, check=True)
        pages.append(out.stdout)
    return pages


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _issue(office: Office, setup: dict, kind: str, lines: list[dict]) -> documents.DocumentRecord:
    draft = documents.create_document(office.db, office.rep1, kind, setup["client"].id,
                                      values={"title": "Мебель для офиса",
                                              "lead": "Предлагаем комплект мебели."},
                                      lines=lines, today=DAY)
    return documents.issue_document(office.db, office.rep1, draft.id, today=DAY)


def test_one_line_russian_invoice_pdf(office: Office, setup: dict, tmp_path: Path) -> None:
    invoice = _issue(office, setup, "invoice", _lines(setup)[:1])
    pdf = documents.document_pdf(office.db, office.rep1, invoice.id)
    [page] = pdftotext(pdf, tmp_path)
    text = squash(page)
    for words in ("Счёт на оплату № REP1-0001 от 5 марта 2026 г.", "ПАО Сбербанк", "044525225",
                  "30101810400000000225", "40702810938000012345",
                  "ООО «Ромашка», ИНН 7707083893, КПП 773601001",
                  "ООО «Альфа-Трейд», ИНН 7736050003, КПП 773601001",
                  "Кресло офисное «Бюрократ CH-868»", "38 700,00", "Итого: 38 700,00",
                  "В том числе НДС 22 %: 6 978,69", "Всего к оплате: 38 700,00",
                  "Всего наименований 1, на сумму 38 700,00 руб.",
                  amount_in_words_ru(Decimal("38700")), "Оплатить не позднее 10 марта 2026 г.",
                  "Руководитель", "Бухгалтер", "Оплата по QR-коду"):
        assert words in text, words
    assert amount_in_words_ru(invoice.total) == "Тридцать восемь тысяч семьсот рублей 00 копеек"
    qr = decode_qr(pdf, tmp_path)
    assert qr.startswith("ST00012|Name=ООО «Ромашка»|PersonalAcc=40702810938000012345|")
    fields = dict(part.split("=", 1) for part in qr.split("|")[1:])
    assert fields["Sum"] == "3870000" and fields["BIC"] == "044525225"
    assert fields["CorrespAcc"] == "30101810400000000225" and fields["PayeeINN"] == "7707083893"
    assert "REP1-0001" in fields["Purpose"]


def decode_qr(pdf: bytes, tmp_path: Path) -> str:
    assert shutil.which("zbarimg"), "zbar-tools is needed (scripts/system-deps test)"
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "qr")], check=True)
    image = next(tmp_path.glob("qr*.png"))
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_sixty_line_invoice_breaks_across_pages_with_header(office: Office, setup: dict,
                                                            tmp_path: Path) -> None:
    lines = [{"description": f"Позиция {i:02d} — стол письменный с тумбой", "quantity": str(
        i % 4 + 1), "unit": "шт", "price": f"{1000 + i * 37}.50"} for i in range(60)]
    invoice = _issue(office, setup, "invoice", lines)
    pages = pdftotext(documents.document_pdf(office.db, office.rep1, invoice.id), tmp_path)
    assert len(pages) >= 2
    for page in pages:
        assert "Товары (работы, услуги)" in page  # the header is repeated on every page
    text = squash(" ".join(pages))
    for i in range(60):
        assert f"Позиция {i:02d} — стол письменный с тумбой" in text
    assert f"Всего к оплате: {_ru(invoice.total)}" in text
    assert amount_in_words_ru(invoice.total) in text
    assert f"Страница {len(pages)} из {len(pages)}" in text


def _ru(value: Decimal) -> str:
    from salesdesk.documents.pdfkit import amount
    from salesdesk.i18n import Tr

    return amount(value, Tr("ru")).replace("\u00a0", " ")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_proposal_pdf_in_both_languages(office: Office, setup: dict, tmp_path: Path,
                                        lang: str) -> None:
    clients.update_client(office.db, office.rep1, setup["client"].id, {"document_language": lang})
    proposal = _issue(office, setup, "proposal", _lines(setup))
    text = squash(" ".join(pdftotext(documents.document_pdf(office.db, office.rep1,
                                                            proposal.id), tmp_path)))
    common = ["REP1-P0001", "ООО «Альфа-Трейд»", "Кресло офисное «Бюрократ CH-868»",
              "Доставка по Москве", "Учебник «Продажи B2B»", "Пётр Кузнецов",
              "rep1@romashka.ru", "Мебель для офиса"]
    if lang == "ru":
        expected = [*common, "Коммерческое предложение № REP1-P0001 от 5 марта 2026 г.",
                    "Предложение действительно до 19 марта 2026 г.", "Итого: 43 575,95",
                    "В том числе НДС 22 %: 7 429,51", "В том числе НДС 10 %: 216,00",
                    "Контактное лицо: Орлов Павел Сергеевич"]
        assert re.search(r"1 250,50 5 ?% 2 375,95", text)
    else:
        expected = [*common, "Quotation No. REP1-P0001 of March 5, 2026",
                    "The offer is valid until March 19, 2026", "Subtotal: 43,575.95",
                    "Including VAT 22%: 7,429.51", "All amounts in RUB."]
    for words in expected:
        assert words in text, words
    if lang == "en":
        assert "рубл" not in text  # no amount in words on English documents


def test_english_invoice_pdf(office: Office, setup: dict, tmp_path: Path) -> None:
    clients.update_client(office.db, office.rep1, setup["client"].id, {"document_language": "en"})
    invoice = _issue(office, setup, "invoice", _lines(setup))
    text = squash(" ".join(pdftotext(documents.document_pdf(office.db, office.rep1,
                                                            invoice.id), tmp_path)))
    for words in ("Invoice No. REP1-0001 of March 5, 2026", "Due date: March 10, 2026",
                  "Bill to:", "INN 7736050003", "Total to pay: 43,575.95", "Bank details",
                  "BIK 044525225"):
        assert words in text, words


def test_draft_pdf_is_marked_and_presentation(office: Office, setup: dict,
                                              tmp_path: Path) -> None:
    draft = documents.create_document(office.db, office.rep1, "invoice", setup["client"].id,
                                      lines=_lines(setup), today=DAY)
    text = squash(" ".join(pdftotext(documents.document_pdf(office.db, office.rep1, draft.id),
                                     tmp_path)))
    assert "ЧЕРНОВИК" in text and "(черновик)" in text
    pdf = documents.product_presentation(office.db, office.rep1, setup["client"].id,
                                         [setup["chair"].id], today=DAY)
    text = squash(" ".join(pdftotext(pdf, tmp_path, "presentation")))
    for words in ("Презентация продукции", "для ООО «Альфа-Трейд»",
                  "Кресло офисное «Бюрократ CH-868»", "12 900,00 ₽ за шт", "Пётр Кузнецов"):
        assert words in text, words


def test_other_teams_cannot_print(office: Office, setup: dict) -> None:
    invoice = _issue(office, setup, "invoice", _lines(setup)[:1])
    # Not theirs reads as not there: a number must not tell whose it is.
    with pytest.raises(NotFoundError, match="no document with the number"):
        documents.pdf_by_number(office.db, office.rep3, invoice.number)
    record, pdf = documents.pdf_by_number(office.db, office.manager1, "rep1-0001")
    assert record.id == invoice.id and pdf.startswith(b"%PDF")


def test_the_payment_qr_follows_the_standard(office: Office, setup: dict, tmp_path: Path
                                             ) -> None:
    """ГОСТ Р 56042-2014: names cut at a word to their limits, the mandatory block within
    300 bytes, another separator when a value holds "|", the sum left to pay, and no
    code on a cancelled or a paid invoice (which says CANCELLED across the page)."""
    from salesdesk.documents.qr import BANK_MAX, MANDATORY_MAX_BYTES, NAME_MAX
    from salesdesk.services import company

    long_name = "Торговый дом «Северный | Южный» " + "и партнёры по поставкам " * 10
    company.update_company(office.db, office.head, {
        "name": long_name.strip(), "bank_name": "Публичное акционерное общество Сбербанк "
                                                "России, Московский банк"})
    invoice = _issue(office, setup, "invoice", _lines(setup)[:1])
    documents.record_payment(office.db, office.manager1, invoice.id, "10000", DAY)
    paid_part = documents.get_document(office.db, office.head, invoice.id)
    qr = decode_qr(documents.document_pdf(office.db, office.rep1, invoice.id), tmp_path)
    separator = qr[7]
    assert qr.startswith("ST00012") and separator != "|" and "|" in qr
    fields = dict(part.split("=", 1) for part in qr.split(separator)[1:])
    assert len(fields["Name"]) <= NAME_MAX and len(fields["BankName"]) <= BANK_MAX
    full = "ООО " + long_name  # the legal form goes first
    assert full.startswith(fields["Name"]) and full[len(fields["Name"])] == " "  # at a word
    mandatory = separator.join(qr.split(separator)[:6])
    assert len(mandatory.encode("utf-8")) <= MANDATORY_MAX_BYTES
    assert int(fields["Sum"]) == int((paid_part.total - paid_part.paid_total) * 100)
    assert "НДС" in fields["Purpose"]
    documents.record_payment(office.db, office.manager1, invoice.id,
                             str(paid_part.total - paid_part.paid_total), DAY)
    other = _issue(office, setup, "invoice", _lines(setup)[:1])
    documents.cancel_document(office.db, office.manager1, other.id, "Ошибка в реквизитах")
    for number, document_id in enumerate((invoice.id, other.id)):
        pdf = documents.document_pdf(office.db, office.rep1, document_id)
        folder = tmp_path / f"no-code-{number}"
        folder.mkdir()
        with pytest.raises(subprocess.CalledProcessError):  # zbarimg finds no code
            decode_qr(pdf, folder)
    assert "АННУЛИРОВАН" in pdftotext(pdf, tmp_path, "cancelled")[0]


def test_a_line_with_seventy_line_breaks_still_prints(office: Office, setup: dict,
                                                      tmp_path: Path) -> None:
    """Whatever the services accept renders: a long description runs on across rows and
    pages instead of stopping the PDF with a layout error."""
    text = "\n".join(f"{n}. монтаж" for n in range(75))
    assert len(text) <= 1000 and text.count("\n") >= 70
    invoice = _issue(office, setup, "invoice", [
        {"description": text, "quantity": "1", "unit": "усл", "price": "1500"},
        *_lines(setup)[:1]])
    pages = pdftotext(documents.document_pdf(office.db, office.rep1, invoice.id), tmp_path)
    joined = "\n".join(pages)
    assert "0. монтаж" in joined and "74. монтаж" in joined
    assert "Всего к оплате" in joined


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"),
                                           whitelist_characters="\n"),
                    min_size=1, max_size=1000).filter(lambda s: s.strip()))
def test_every_description_the_services_accept_renders(office: Office, setup: dict,
                                                        text: str) -> None:
    try:
        draft = documents.create_document(office.db, office.rep1, "invoice",
                                          setup["client"].id, lines=[
            {"description": text, "quantity": "2", "unit": "шт", "price": "100"}])
    except ValidationError:
        return  # refused with a message: nothing to print
    assert documents.document_pdf(office.db, office.rep1, draft.id).startswith(b"%PDF")


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"),
                                       whitelist_characters="\n"), max_size=400)


@st.composite
def _documents(draw: st.DrawFn) -> dict:
    from salesdesk.domain import VAT_RATES

    count = draw(st.integers(1, 40))
    lines = [{"description": draw(_TEXT.filter(lambda s: s.strip())) or "x",
              "quantity": str(draw(st.decimals("0.001", "99999", places=3))),
              "unit": draw(st.sampled_from(["шт", "компл.", "усл", "м²", "упак.", "кг"])),
              "price": str(draw(st.decimals("0.01", "999999999.99", places=2))),
              "discount_pct": str(draw(st.decimals("0", "99", places=2))),
              "vat_rate": draw(st.sampled_from(VAT_RATES))} for _ in range(count)]
    values = {"title": draw(_TEXT), "lead": draw(_TEXT),
              "payment_terms": draw(st.text(alphabet=st.characters(
                  blacklist_categories=("Cc", "Cs"), whitelist_characters="\n"), max_size=3000)),
              "delivery_terms": draw(_TEXT), "language": draw(st.sampled_from(["ru", "en"]))}
    return {"kind": draw(st.sampled_from(["invoice", "proposal"])), "lines": lines,
            "values": values, "issue": draw(st.booleans()),
            "vat_column": draw(st.booleans())}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(spec=_documents())
def test_every_document_the_services_accept_renders(office: Office, setup: dict,
                                                     spec: dict) -> None:
    """Whole documents: any number of lines, amounts, rates, discounts, texts and terms,
    in both languages, drafts and issued, with and without the VAT column."""
    from salesdesk.services import company

    company.update_company(office.db, office.head, {"vat_column": spec["vat_column"]})
    try:
        doc = documents.create_document(office.db, office.rep1, spec["kind"],
                                        setup["client"].id, values=spec["values"],
                                        lines=spec["lines"], today=DAY)
        if spec["issue"]:
            doc = documents.issue_document(office.db, office.rep1, doc.id, today=DAY)
    except ValidationError:
        return  # refused with a message: nothing to print
    assert documents.document_pdf(office.db, office.rep1, doc.id).startswith(b"%PDF")
