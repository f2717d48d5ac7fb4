"""Files as the tools an office leaves write them import without editing: amoCRM/Kommo,
Bitrix24, 1С, Pipedrive, Google Contacts, Outlook and a list kept by hand in Excel.

The layouts follow each tool's export documentation: column names, encodings,
separators, timestamps, title lines above a 1С list, INNs typed as numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from salesdesk.db.models import Client, Contact
from salesdesk.importer import ImportRefused, import_file
from salesdesk.services import clients
from tests.conftest import Office


def _csv(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _client(office: Office, name: str) -> Client:
    with office.db.read() as session:
        client = session.scalar(select(Client).where(Client.name == name))
        assert client is not None, name
        session.expunge(client)
        return client


def _owner_login(office: Office, client: Client) -> str:
    from salesdesk.db.models import User

    with office.db.read() as session:
        return session.scalar(select(User.login).where(User.id == client.owner_id))


def test_amocrm_companies(office: Office, tmp_path: Path) -> None:
    """amoCRM/Kommo "Экспорт" of companies: UTF-8 with BOM, ";", the owner by full name,
    timestamps, work phone and e-mail, web site."""
    path = _csv(tmp_path / "amocrm_export_companies_2026-12-01.csv",
                "ID;Название компании;Ответственный;Дата создания;Кем создан;Теги;"
                "Рабочий телефон;Рабочий email;Web;Адрес\n"
                "31000001;ООО «Альфа-Трейд»;Пётр Кузнецов;12.03.2024 10:15:42;Пётр Кузнецов;"
                "опт;+7 (495) 111-22-33;info@alfa-trade.ru;https://alfa-trade.ru;"
                "г. Москва, ул. Ленина, д. 5\n"
                "31000002;ИП Соколов;Кузнецов Пётр;01.02.2025 09:00:00;;;8 916 123-45-67;;;\n")
    report = import_file(office.db, office.manager1, "clients", path)
    assert report.created == 2 and not report.problems
    assert "Название компании → name" in report.mapping
    alfa = _client(office, "ООО «Альфа-Трейд»")
    assert (alfa.phone_e164, alfa.email, alfa.website) == (
        "+74951112233", "info@alfa-trade.ru", "https://alfa-trade.ru")
    assert alfa.created_at.date().isoformat() == "2024-03-12"
    assert _owner_login(office, alfa) == "rep1"
    assert _owner_login(office, _client(office, "ИП Соколов")) == "rep1"


def test_bitrix24_companies_in_windows_1251(office: Office, tmp_path: Path) -> None:
    """Bitrix24's CSV export: Windows-1251, ";", "Название компании", several phones in
    one cell, the owner as "Имя Фамилия"."""
    path = _csv(tmp_path / "COMPANY_20261201.csv",
                "ID;Название компании;Тип компании;Ответственный;Рабочий телефон;"
                "Рабочий e-mail;Корпоративный сайт;Адрес;Дата создания;Источник\n"
                "17;АО «Вектор-М»;Клиент;Елена Попова;+7 495 222-33-44, +7 916 765-43-21;"
                "office@vector-m.ru;vector-m.ru;г. Казань;2024-03-12 10:15:42;Выставка\n",
                encoding="cp1251")
    report = import_file(office.db, office.head, "clients", path)
    assert report.created == 1, report.lines()
    vector = _client(office, "АО «Вектор-М»")
    assert vector.phone_e164 == "+74952223344" and "+7 916 765-43-21" in (vector.notes or "")
    assert (vector.segment, vector.source, vector.website) == ("Клиент", "Выставка",
                                                               "vector-m.ru")
    assert _owner_login(office, vector) == "rep2"


def test_1c_counterparties_saved_to_excel(office: Office, tmp_path: Path) -> None:
    """1С "Контрагенты" → "Сохранить как" Excel: a title and a date above the header,
    INN stored as a number (its leading zero lost), the manager as "Фамилия И. О."."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Контрагенты"])
    sheet.append(["Дата формирования: 01.12.2026"])
    sheet.append([])
    sheet.append(["Наименование", "ИНН", "КПП", "Полное наименование", "Телефон", "E-mail",
                  "Юридический адрес", "Основной менеджер"])
    sheet.append(["Башнефтьсервис", 274062104, 27401001, "ООО «Башнефтьсервис»",
                  "+7 347 200-00-00", "", "г. Уфа", "Кузнецов П."])
    sheet.append(["Альфа-Трейд", 7736050003, "773601001", "ООО «Альфа-Трейд»", "", "",
                  "г. Москва", "Попова Е."])
    path = tmp_path / "Контрагенты.xlsx"
    book.save(path)
    report = import_file(office.db, office.head, "clients", path)
    assert report.created == 2, report.lines()
    bash = _client(office, "Башнефтьсервис")
    assert bash.inn == "0274062104"  # the checksum proves the lost zero
    assert _owner_login(office, bash) == "rep1"
    assert _owner_login(office, _client(office, "Альфа-Трейд")) == "rep2"


def test_pipedrive_organizations_and_people(office: Office, tmp_path: Path) -> None:
    """Pipedrive exports: "Organization - …" and "Person - …" columns, the owner by
    e-mail, ISO timestamps; people become contacts of their organisations."""
    orgs = _csv(tmp_path / "organizations-2026-12-01.csv",
                "Organization - ID,Organization - Name,Organization - Owner,"
                "Organization - Address,Organization - Label,Organization - Add time,"
                "Organization - Website\n"
                "5,Acme Ltd,rep3@romashka.ru,\"Kazan, Baumana 1\",Hot,2024-03-12 10:15:42,"
                "acme.example\n")
    report = import_file(office.db, office.head, "clients", orgs)
    assert report.created == 1, report.lines()
    assert _owner_login(office, _client(office, "Acme Ltd")) == "rep3"
    people = _csv(tmp_path / "people-2026-12-01.csv",
                  "Person - ID,Person - Name,Person - Organization,Person - Phone - Work,"
                  "Person - Email - Work,Person - Job title\n"
                  "9,Anna Smith,Acme Ltd,+7 843 200-10-10,anna@acme.example,Buyer\n")
    report = import_file(office.db, office.head, "contacts", people)
    assert report.created == 1, report.lines()
    with office.db.read() as session:
        contact = session.scalar(select(Contact).where(Contact.name == "Anna Smith"))
        assert (contact.position, contact.email, contact.phone_e164) == (
            "Buyer", "anna@acme.example", "+78432001010")
    found = clients.list_clients(office.db, office.head, clients.ClientQuery(text="anna"))
    assert [c.name for c in found] == ["Acme Ltd"]  # the client's search knows its people


def test_google_contacts_and_outlook(office: Office, tmp_path: Path) -> None:
    """Google Contacts CSV (first/middle/last name, "Organization Name", values joined
    with " ::: ") and Outlook's CSV ("Company", "Business Phone", "E-mail Address")."""
    clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа-Трейд»",
                                                   "inn": "7736050003"})
    google = _csv(tmp_path / "contacts.csv",
                  "First Name,Middle Name,Last Name,Organization Name,Organization Title,"
                  "E-mail 1 - Value,Phone 1 - Value\n"
                  "Павел,Сергеевич,Орлов,ООО «Альфа-Трейд»,Директор,"
                  "orlov@alfa-trade.ru ::: pavel@mail.ru,+7 495 111-22-34\n")
    report = import_file(office.db, office.rep1, "contacts", google)
    assert report.created == 1, report.lines()
    outlook = _csv(tmp_path / "outlook.CSV",
                   "First Name,Middle Name,Last Name,Company,Job Title,Business Phone,"
                   "E-mail Address\n"
                   "Ирина,,Смирнова,7736050003,Бухгалтер,+7 495 111-22-35,irina@alfa-trade.ru\n",
                   encoding="cp1251")
    report = import_file(office.db, office.rep1, "contacts", outlook)
    assert report.created == 1, report.lines()
    with office.db.read() as session:
        names = {c.name: c for c in session.scalars(select(Contact))}
    assert names["Орлов Павел Сергеевич"].email == "orlov@alfa-trade.ru"
    assert "pavel@mail.ru" in (names["Орлов Павел Сергеевич"].notes or "")
    assert names["Смирнова Ирина"].position == "Бухгалтер"
    # Another representative's client: its people are not theirs to add.
    with pytest.raises(ImportRefused, match="no client"):
        import_file(office.db, office.rep3, "contacts", outlook)


def test_reimport_updates_dry_run_map_and_owner(office: Office, tmp_path: Path) -> None:
    """--update changes what a row matches (by INN, e-mail or name) and says so; --dry-run
    writes nothing; --map names columns the recognition does not know; --owner owns rows
    that name nobody; a representative's rows are always their own."""
    first = _csv(tmp_path / "list.csv", "Клиент;ИНН;Город\nООО «Альфа-Трейд»;7736050003;Москва\n"
                 "ООО «Бета»;;Казань\n")
    assert import_file(office.db, office.head, "clients", first,
                       owner="Мария Иванова").created == 2
    assert _owner_login(office, _client(office, "ООО «Бета»")) == "manager1"
    second = _csv(tmp_path / "list2.csv", "Клиент;ИНН;Город\nООО «Альфа-Трейд»;7736050003;Тула\n"
                  "ООО «Бета»;;Казань\nООО «Гамма»;;Омск\n")
    dry = import_file(office.db, office.head, "clients", second, update=True, dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged) == (1, 1, 1)
    assert _client(office, "ООО «Альфа-Трейд»").city == "Москва"  # nothing written
    done = import_file(office.db, office.head, "clients", second, update=True)
    assert (done.created, done.updated, done.unchanged) == (1, 1, 1)
    assert _client(office, "ООО «Альфа-Трейд»").city == "Тула"
    odd = _csv(tmp_path / "odd.csv", "Кто;Где\nООО «Дельта»;Пермь\n")
    with pytest.raises(ImportRefused) as refused:
        import_file(office.db, office.head, "clients", odd, skip_invalid=True)
    assert not refused.value.rows and "--map" in str(refused.value)
    report = import_file(office.db, office.rep1, "clients", odd, mapping="Кто=name, Где=city")
    assert report.created == 1
    delta = _client(office, "ООО «Дельта»")
    assert delta.city == "Пермь" and _owner_login(office, delta) == "rep1"
    theirs = _csv(tmp_path / "theirs.csv", "name;owner\nООО «Эпсилон»;rep2\n")
    import_file(office.db, office.rep1, "clients", theirs)
    assert _owner_login(office, _client(office, "ООО «Эпсилон»")) == "rep1"
    with pytest.raises(ImportRefused, match="no column 'Нет'"):
        import_file(office.db, office.head, "clients", odd, mapping="Кто=name, Нет=city")


def test_an_unknown_or_ambiguous_owner_names_the_row(office: Office, tmp_path: Path) -> None:
    path = _csv(tmp_path / "owners.csv", "Название;Ответственный\nООО «Один»;Иван Иванов\n")
    with pytest.raises(ImportRefused) as refused:
        import_file(office.db, office.head, "clients", path)
    assert refused.value.rows
    assert "owners.csv:2: Ответственный" in str(refused.value)


def test_bitrix24_excel_export_is_an_html_table(office: Office, tmp_path: Path) -> None:
    """Bitrix24's "Экспорт в Excel" writes an HTML page with a table and names it .xls."""
    path = tmp_path / "COMPANY_20261201.xls"
    path.write_text(
        '<html><head><meta http-equiv="Content-type" content="text/html;charset=utf-8" />'
        "</head><body><table border=\"1\"><tr><th>ID</th><th>Название компании</th>"
        "<th>Ответственный</th><th>Рабочий телефон</th><th>Рабочий e-mail</th>"
        "<th>Дата создания</th></tr>"
        "<tr><td>17</td><td>ООО &laquo;Север&raquo;</td><td>Попова Елена</td>"
        "<td>+7 812 300-40-50</td><td>sever@example.ru</td><td>12.03.2024 10:15:42</td></tr>"
        "</table></body></html>", encoding="utf-8")
    report = import_file(office.db, office.head, "clients", path)
    assert report.created == 1, report.lines()
    north = _client(office, "ООО «Север»")
    assert north.email == "sever@example.ru" and _owner_login(office, north) == "rep2"


def test_an_old_excel_workbook(office: Office, tmp_path: Path) -> None:
    """A 1С list saved as Excel 97–2003 (.xls): title line, INN as a number."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Контрагенты")
    for r, row in enumerate([["Контрагенты"], [], ["Наименование", "ИНН", "Телефон"],
                             ["Башнефтьсервис", 274062104, "+7 347 200-00-00"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "Контрагенты.xls"
    book.save(str(path))
    report = import_file(office.db, office.head, "clients", path)
    assert report.created == 1, report.lines()
    assert _client(office, "Башнефтьсервис").inn == "0274062104"
    fake = tmp_path / "fake.xls"
    fake.write_bytes(b"\x00\x01binary nonsense" * 10)
    with pytest.raises(Exception, match="neither an Excel workbook"):
        import_file(office.db, office.head, "clients", fake)


@pytest.mark.parametrize("streamed", [False, True], ids=["in-memory", "streamed"])
def test_a_big_file_goes_in_chunks_and_still_all_or_nothing(
        office: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """Past 5,000 rows the records go to the database in chunks; a bad row at the end
    still leaves nothing written, the bulk duplicate check still warns, and a row that
    repeats one of an earlier chunk matches it. Streamed: the file is read from disk
    each time it is gone through, not held."""
    from sqlalchemy import func

    from salesdesk import tabular

    if streamed:
        monkeypatch.setattr(tabular, "STREAM_BYTES", 0)

    clients.create_client(office.db, office.head, {"name": "ООО «Старый»",
                                                   "email": "old@example.ru"})
    rows = "".join(f"ООО «Клиент {i}»;c{i}@example.ru\n" for i in range(6200))
    bad = _csv(tmp_path / "big-bad.csv", "Название;E-mail\n" + rows + "ООО «Плохой»;нет\n")
    with pytest.raises(ImportRefused) as refused:
        import_file(office.db, office.head, "clients", bad)
    assert "big-bad.csv:6202: E-mail" in str(refused.value)
    with office.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 1
    good = _csv(tmp_path / "big.csv", "Название;E-mail\n" + rows + "ООО «Дубль»;old@example.ru\n"
                "ООО «Клиент 3»;other@example.ru\n")
    if streamed:
        assert isinstance(tabular.read_table(good).rows, tabular.CsvRows)
    report = import_file(office.db, office.head, "clients", good)
    assert report.created == 6201
    assert any("6202" in w and "e-mail" in w for w in report.warnings)
    assert len(report.matched) == 1 and "big.csv:6203" in report.matched[0]
    with office.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 6202


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_a_streamed_file_reads_as_the_whole_file_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    """Title lines, blank lines, quoted cells over two lines, a formula-neutralised cell:
    the rows and their line numbers are the same, held or streamed."""
    from salesdesk import tabular

    text = ("Контрагенты\n\nНаименование;ИНН;Комментарий\n"
            + "".join(f"ООО «Фирма {i}»;7707083893;\"строка один\nстрока два\"\n\n"
                      for i in range(300)) + "'=1+2;;\n")
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding))
    whole = tabular.read_table(path)
    monkeypatch.setattr(tabular, "STREAM_BYTES", 0)
    monkeypatch.setattr(tabular, "SAMPLE_BYTES", 200)
    streamed = tabular.read_table(path)
    assert isinstance(streamed.rows, tabular.CsvRows)
    assert streamed.header == whole.header
    assert list(streamed.rows) == list(whole.rows) and len(streamed.rows) == len(whole.rows)
    assert list(streamed.rows[3:]) == list(whole.rows[3:])
    assert streamed.rows[:2] == whole.rows[:2] and streamed.rows[5] == whole.rows[5]


def test_a_streamed_file_with_a_bad_byte_past_its_beginning_names_the_line(
        office: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from salesdesk import tabular
    from salesdesk.errors import ValidationError

    monkeypatch.setattr(tabular, "STREAM_BYTES", 0)
    monkeypatch.setattr(tabular, "SAMPLE_BYTES", 100)
    path = tmp_path / "broken.csv"
    path.write_bytes("Название;Город\n".encode() + "ООО «А»;Тула\n".encode() * 20
                     + b"\xff\xfe;x\n")
    with pytest.raises(ValidationError) as refused:
        import_file(office.db, office.head, "clients", path)
    assert "broken.csv:22" in str(refused.value) and "0xFF" in str(refused.value)
    with office.db.read() as session:
        assert session.scalar(select(Client.id).where(Client.name == "ООО «А»")) is None


def test_imported_clients_are_audited_and_logged_for_the_laptops_as_a_saved_one(
        office: Office, tmp_path: Path) -> None:
    """The import writes its clients without the ORM; their audit entries, change log
    and field clocks are those of a client saved in the window."""
    from salesdesk.db.models import AuditEntry, ChangeEntry, FieldClock

    values = {"city": "Тула", "phone": "+7 495 123-45-67", "email": "a@example.ru",
              "segment": "Опт", "inn": "7707083893"}
    saved = clients.create_client(office.db, office.head, {"name": "ООО «Окно»", **values})
    path = _csv(tmp_path / "one.csv", "Название;Город;Телефон;E-mail;Сегмент;ИНН\n"
                "ООО «Файл»;Тула;8 495 123 45 67;a@example.ru;Опт;7736050003\n")
    assert import_file(office.db, office.head, "clients", path).created == 1
    with office.db.read() as session:
        imported = session.scalar(select(Client).where(Client.name == "ООО «Файл»"))
        assert imported is not None and imported.phone == "+7 495 123-45-67"
        assert imported.search_text and imported.phone_e164 == "+74951234567"

        def trail(client_id: object) -> tuple[object, ...]:
            log = session.scalar(select(ChangeEntry).where(ChangeEntry.record_id == client_id))
            audit = session.scalar(select(AuditEntry).where(AuditEntry.record_id == client_id))
            clocks = set(session.scalars(select(FieldClock.field).where(
                FieldClock.record_id == client_id)))
            assert log is not None and audit is not None
            return (log.op, set(log.changes), set(log.row), audit.action, set(audit.changes),
                    clocks, log.hlc > "")

        assert trail(imported.id) == trail(saved.client.id)
