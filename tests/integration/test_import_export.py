"""Import and export as INTERFACES.md describes them."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from salesdesk.db.models import Activity, Client, Deal, MarketingSpend, Product, Target
from salesdesk.errors import PermissionDenied, ValidationError
from salesdesk.exporter import export_file
from salesdesk.importer import import_file
from salesdesk.services import clients
from tests.conftest import Office


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def counts(office: Office) -> dict[str, int]:
    with office.db.read() as session:
        return {m.__tablename__: int(session.scalar(select(func.count()).select_from(m)) or 0)
                for m in (Client, Deal, Activity, MarketingSpend, Target, Product)}


CLIENTS = [
    ["Наименование", "ИНН", "Сегмент", "Источник", "Ответственный", "Телефон", "Город"],
    ["ООО «Альфа»", "7707083893", "Опт", "Сайт", "rep1", "8 912 000-11-22", "Москва"],
    ["АО «Бета»", "7736050003", "Розница", "Выставка", "rep2", "", "Тула"],
    ["Гамма", "", "Опт", "Сайт", "rep1", "", "Казань"],
]


def test_import_clients_with_russian_headers_in_windows_1251_and_semicolons(
        office: Office, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "clients.csv", CLIENTS, delimiter=";", encoding="cp1251")
    report = import_file(office.db, office.manager1, "clients", path)
    assert report.created == 3 and not report.problems
    names = {c.name: c for c in clients.list_clients(office.db, office.manager1)}
    assert set(names) == {"ООО «Альфа»", "АО «Бета»", "Гамма"}
    assert names["АО «Бета»"].owner_name == "Елена Попова"
    assert names["ООО «Альфа»"].phone == "+7 912 000-11-22"


def test_importing_the_same_files_twice_changes_nothing(office: Office, tmp_path: Path) -> None:
    files = {
        "clients": write_csv(tmp_path / "clients.csv", CLIENTS),
        "deals": write_csv(tmp_path / "deals.csv", [
            ["client", "title", "owner", "amount", "stage", "opened", "closed", "lost_reason"],
            ["7707083893", "Кресла", "rep1", "1 234,50", "won", "01.10.2026", "15.10.2026", ""],
            ["Гамма", "Столы", "rep1", "99000", "lost", "2026-09-01", "2026-09-20", "Дорого"],
            ["7707083893", "Шкафы", "rep1", "5000", "Переговоры", "2026-11-01", "", ""],
        ]),
        "activities": write_csv(tmp_path / "activities.csv", [
            ["Клиент", "Сотрудник", "Тип", "Дата", "Комментарий"],
            ["7707083893", "rep1", "Звонок", "02.11.2026", "Обсудили"],
            ["Гамма", "rep1", "meeting", "2026-11-03", ""],
        ]),
        "spend": write_csv(tmp_path / "spend.csv", [
            ["date", "channel", "amount"], ["2026-11-01", "Сайт", "15000"],
            ["2026-11-01", "Выставка", "40 000,00"]]),
        "targets": write_csv(tmp_path / "targets.csv", [
            ["user", "month", "amount"], ["rep1", "2026-11", "500000"],
            ["rep2", "2026-11", "450000"]]),
        "products": write_csv(tmp_path / "products.csv", [
            ["Наименование", "Цена", "Ед.", "Ставка НДС", "Артикул"],
            ["Кресло", "12 900,00", "шт", "22", "CH-1"], ["Вода", "290", "бут", "10 %", ""]]),
    }
    head = office.head
    for kind, path in files.items():
        report = import_file(office.db, head, kind, path)
        assert not report.problems, (kind, report.problems)
        assert report.created == {"clients": 3, "deals": 3, "activities": 2, "spend": 2,
                                  "targets": 2, "products": 2}[kind]
    first = counts(office)
    for kind, path in files.items():
        report = import_file(office.db, head, kind, path)
        assert report.created == 0 and report.updated == 0, kind
    assert counts(office) == first
    again = import_file(office.db, head, "deals", files["deals"])
    assert len(again.repeats) == 3
    again = import_file(office.db, head, "clients", files["clients"])
    assert len(again.matched) == 3 and "matches the existing client" in again.matched[0]
    # A changed target amount is updated, not duplicated.
    changed = write_csv(tmp_path / "targets2.csv", [["user", "month", "amount"],
                                                    ["rep1", "2026-11", "600000"]])
    report = import_file(office.db, head, "targets", changed)
    assert report.updated == 1 and counts(office)["targets"] == 2
    with office.db.read() as session:
        deal = session.scalar(select(Deal).where(Deal.title == "Кресла"))
        assert deal.amount == Decimal("1234.50") and deal.closed_on == date(2026, 10, 15)


def test_three_bad_rows_refuse_the_whole_file_with_precise_lines(office: Office,
                                                                 tmp_path: Path) -> None:
    path = write_csv(tmp_path / "clients.csv", [
        ["name", "inn", "owner", "created"],
        ["Альфа", "7707083893", "rep1", "2026-01-10"],
        ["Бета", "7707083894", "rep1", ""],          # line 3: bad INN check digits
        ["Гамма", "", "nobody", ""],                 # line 4: unknown owner
        ["Дельта", "", "rep1", "31.02.2026"],        # line 5: no such date
        ["Эпсилон", "", "rep2", ""],
    ])
    before = counts(office)
    with pytest.raises(ValidationError) as info:
        import_file(office.db, office.head, "clients", path)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 3
    assert lines[0].startswith("clients.csv:3: inn:") and "check digits" in lines[0]
    assert lines[1].startswith("clients.csv:4: owner:") and "nobody" in lines[1]
    assert lines[2].startswith("clients.csv:5: created:") and "31.02.2026" in lines[2]
    assert counts(office) == before
    report = import_file(office.db, office.head, "clients", path, skip_invalid=True)
    assert report.created == 2 and len(report.problems) == 3
    assert counts(office)["clients"] == before["clients"] + 2


def test_missing_and_unknown_columns(office: Office, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "deals.csv", [["client", "title", "amount", "colour"],
                                              ["x", "y", "1", "red"]])
    with pytest.raises(ValidationError) as info:
        import_file(office.db, office.head, "deals", path)
    text = str(info.value)
    assert "owner" in text and "stage" in text and "opened" in text
    path = write_csv(tmp_path / "spend.csv", [["Date", "Channel", "Amount", "Colour"],
                                              ["2026-01-01", "Сайт", "10", "red"]])
    report = import_file(office.db, office.head, "spend", path)
    assert any("Colour" in w and "unknown column" in w for w in report.warnings)


def test_won_deal_needs_closed_date_and_rep_cannot_import_for_others(office: Office,
                                                                      tmp_path: Path) -> None:
    clients.create_client(office.db, office.rep1, {"name": "Альфа", "inn": "7707083893"})
    path = write_csv(tmp_path / "deals.csv", [
        ["client", "title", "owner", "amount", "stage", "opened", "closed"],
        ["7707083893", "x", "rep1", "10", "won", "2026-01-01", ""],
        ["7707083893", "y", "rep2", "10", "new", "2026-01-01", ""],
    ])
    with pytest.raises(ValidationError) as info:
        import_file(office.db, office.rep1, "deals", path)
    lines = [str(p) for p in info.value.problems]
    assert any(line.startswith("deals.csv:2: closed:") for line in lines)
    assert any(line.startswith("deals.csv:3: owner:") and "not in your team" in line
               for line in lines)


def test_spend_import_is_for_the_head(office: Office, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "spend.csv", [["date", "channel", "amount"],
                                              ["2026-01-01", "Сайт", "10"]])
    with pytest.raises(PermissionDenied):
        import_file(office.db, office.manager1, "spend", path)


def test_xlsx_round_trip_and_export_shows_only_visible(office: Office, tmp_path: Path) -> None:
    for login, name, inn in (("rep1", "Альфа", "7707083893"), ("rep3", "Гамма", "7736050003")):
        clients.create_client(office.db, office.actor(login), {"name": name, "inn": inn,
                                                                "segment": "Опт"})
    target = tmp_path / "mine.xlsx"
    assert export_file(office.db, office.rep1, "clients", target) == 1
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "name" and rows[1][0] == "Альфа" and len(rows) == 2
    # The exported file imports back as "matched", not as new clients.
    report = import_file(office.db, office.rep1, "clients", target)
    assert report.created == 0 and len(report.matched) == 1
    assert export_file(office.db, office.head, "clients", tmp_path / "all.csv") == 2
    text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert "Гамма" in text and text.splitlines()[0].startswith("name;inn")


def test_damaged_files_are_refused_with_a_message(office: Office, tmp_path: Path) -> None:
    bad = tmp_path / "clients.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="XLSX"):
        import_file(office.db, office.head, "clients", bad)
    pdf = tmp_path / "clients.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(ValidationError, match=r"\.csv, \.xlsx or \.xls"):
        import_file(office.db, office.head, "clients", pdf)
    with pytest.raises(ValidationError, match="no such file"):
        import_file(office.db, office.head, "clients", tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValidationError, match="empty"):
        import_file(office.db, office.head, "clients", empty)


cell = st.one_of(st.text(max_size=30), st.integers(-10**6, 10**9).map(str),
                 st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
                 st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=6, max_size=6), min_size=1, max_size=5))
def test_random_deal_files_are_accepted_or_refused_never_crash(office: Office, tmp_path: Path,
                                                               rows: list[list[str]]) -> None:
    path = write_csv(tmp_path / "deals.csv", [["client", "title", "owner", "amount", "stage",
                                               "opened"], *rows])
    try:
        import_file(office.db, office.head, "deals", path)
    except ValidationError as exc:
        assert all(str(p).startswith("deals.csv:") for p in exc.problems)


FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","Нажми")', "+7 (495) зло",
            "-1+2", "@SUM(A1:A9)"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_never_hold_a_live_formula_and_import_back_unchanged(
        office: Office, tmp_path: Path, suffix: str) -> None:
    """OWASP's CSV injection: a name a spreadsheet would run reaches it as text."""
    for name in FORMULAS:
        clients.create_client(office.db, office.rep1, {"name": name})
    path = tmp_path / f"clients{suffix}"
    export_file(office.db, office.rep1, "clients", path)
    if suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            cells = [row[0] for row in csv.reader(fh, delimiter=";")][1:]
        assert sorted(cells) == sorted("'" + n for n in FORMULAS)
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(path).worksheets[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        assert sorted(c.value for c in sheet["A"][1:]) == sorted(FORMULAS)
    # The neutralising quote goes again on the way in: the names come back as they were.
    from tests.conftest import build_office

    other = tmp_path / "other.db"
    from salesdesk.db.migrate import open_database

    fresh = build_office(open_database(other, create=True))
    import_file(fresh.db, fresh.rep1, "clients", path)
    with fresh.db.read() as s:
        assert sorted(s.scalars(select(Client.name))) == sorted(FORMULAS)


def test_a_csv_keeps_inn_and_kpp_text_for_excel_and_imports_back(
        office: Office, tmp_path: Path) -> None:
    """Excel opens a cell of digits as a number: "0274062111" would lose its zero and a
    12-digit INN would show as 7,70708E+11. The CSV writes them as text constants."""
    clients.create_client(office.db, office.rep1, {"name": "ООО «Ноль»", "inn": "0274062111",
                                                   "kpp": "027401001"})
    clients.create_client(office.db, office.rep1, {"name": "ИП Орлов", "inn": "500100732259"})
    path = tmp_path / "clients.csv"
    export_file(office.db, office.rep1, "clients", path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b";" in raw.splitlines()[0]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = rows[0]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_name["ООО «Ноль»"]["inn"] == '="0274062111"'
    assert by_name["ООО «Ноль»"]["kpp"] == '="027401001"'
    assert by_name["ИП Орлов"]["inn"] == '="500100732259"'
    from salesdesk.db.migrate import open_database
    from tests.conftest import build_office

    fresh = build_office(open_database(tmp_path / "other.db", create=True))
    report = import_file(fresh.db, fresh.rep1, "clients", path)
    assert not report.problems
    with fresh.db.read() as s:
        inns = {name: inn for name, inn in s.execute(select(Client.name, Client.inn))}
        assert (inns["ООО «Ноль»"], inns["ИП Орлов"]) == ("0274062111", "500100732259")
        assert s.scalar(select(Client.kpp).where(Client.inn == "0274062111")) == "027401001"
