"""The command line: exit codes, one-line refusals, and the same permissions as the window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "head-secret"


def run(db: Path, *args: str, user: str | None = None, password: str = PASSWORD,
        new_password: str | None = None, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESDESK_PASSWORD": password, "SALESDESK_LANG": lang}
    if new_password:
        env["SALESDESK_NEW_PASSWORD"] = new_password
    command = [sys.executable, "-m", "salesdesk", "--db", str(db)]
    if user:
        command += ["--user", user]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def office_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "office.db"
    assert run(db, "init", "--company", "ООО «Ромашка»", "--head-login", "head",
               "--head-name", "Иван Петров").returncode == 0
    for login, role, manager in (("manager1", "manager", None), ("rep1", "rep", "manager1")):
        extra = ["--manager", manager] if manager else []
        result = run(db, "users", "add", "--login", login, "--name", login.title(),
                     "--role", role, *extra, user="head", new_password="rep-secret")
        assert result.returncode == 0, result.stderr
    return db


def test_init_refuses_an_existing_database(office_db: Path) -> None:
    result = run(office_db, "init", "--company", "X", "--head-login", "h", "--head-name", "H")
    assert result.returncode == 1
    assert "already holds a SalesDesk database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_refused_action_exits_1_with_one_line_naming_it(office_db: Path) -> None:
    result = run(office_db, "users", "add", "--login", "x1", "--name", "X", "--role", "rep",
                 "--manager", "manager1", user="rep1", password="rep-secret",
                 new_password="whatever")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "users.manage" in lines[0]
    listed = run(office_db, "users", "list", "--json", user="head")
    assert "x1" not in {u["login"] for u in json.loads(listed.stdout)}
    assert "Traceback" not in result.stderr


def test_wrong_password_exits_1(office_db: Path) -> None:
    result = run(office_db, "users", "list", user="head", password="nope")
    assert result.returncode == 1
    assert result.stderr.strip() == "salesdesk: Wrong login or password."


def test_users_list_shows_only_the_team(office_db: Path) -> None:
    result = run(office_db, "users", "list", "--json", user="manager1", password="rep-secret")
    assert result.returncode == 0, result.stderr
    assert {u["login"] for u in json.loads(result.stdout)} == {"manager1", "rep1"}


def test_usage_errors_exit_2(office_db: Path) -> None:
    assert run(office_db, "frobnicate").returncode == 2
    assert run(office_db, "users", "add").returncode == 2
    result = run(office_db, "users", "list")  # no --user
    assert result.returncode == 2 and "--user" in result.stderr


def test_import_refusal_lists_rows_and_changes_nothing(office_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "clients.csv"
    bad.write_text("name,inn,owner\nАльфа,7707083894,rep1\nБета,,ghost\n", encoding="utf-8")
    result = run(office_db, "import", "clients", str(bad), user="head")
    assert result.returncode == 1
    assert "clients.csv:2: inn:" in result.stderr and "clients.csv:3: owner:" in result.stderr
    out = tmp_path / "all.csv"
    run(office_db, "export", "clients", str(out), user="head")
    assert out.read_text(encoding="utf-8-sig").strip().count("\n") == 0  # header only
    ok = run(office_db, "import", "clients", str(bad), "--skip-invalid", user="head")
    assert ok.returncode == 0 and "0 created" in ok.stdout


def test_russian_messages(office_db: Path) -> None:
    result = run(office_db, "users", "list", user="head", password="nope", lang="ru")
    assert result.stderr.strip() == "salesdesk: Неверный логин или пароль."


def test_missing_database_and_check(tmp_path: Path, office_db: Path) -> None:
    result = run(tmp_path / "none.db", "check")
    assert result.returncode == 1 and "no database" in result.stderr
    assert not (tmp_path / "none.db").exists()
    assert run(office_db, "check").returncode == 0


def test_backup_and_restore_commands(office_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.backup"
    result = run(office_db, "backup", "-o", str(target), user="head")
    assert result.returncode == 0 and target.exists()
    refused = run(office_db, "backup", "-o", str(tmp_path / "x.backup"), user="rep1",
                  password="rep-secret")
    assert refused.returncode == 1 and "backup" in refused.stderr
    assert run(office_db, "restore", str(target), user="head").returncode == 0
    assert run(office_db, "check").returncode == 0


def test_pdf_command(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run(db, "demo")
    assert result.returncode == 0 and "every password is 'demo'" in result.stdout
    target = tmp_path / "invoice.pdf"
    ok = run(db, "pdf", "R1-0001", "-o", str(target), user="rep1", password="demo")
    assert ok.returncode == 0, ok.stderr
    assert target.read_bytes().startswith(b"%PDF")
    other = run(db, "pdf", "R1-0001", "-o", str(tmp_path / "x.pdf"), user="rep4",
                password="demo")
    assert other.returncode == 1 and len(other.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()
    missing = run(db, "pdf", "ZZ-9999", user="head", password="demo")
    assert missing.returncode == 1 and "ZZ-9999" in missing.stderr
    again = run(db, "demo")
    assert again.returncode == 1 and "--replace" in again.stderr


def test_output_into_a_closed_pipe_ends_quietly(office_db: Path) -> None:
    """``salesdesk metrics | head``: the reader stops early, no traceback follows."""
    env = {**os.environ, "SALESDESK_PASSWORD": PASSWORD, "SALESDESK_LANG": "en"}
    command = [sys.executable, "-m", "salesdesk", "--db", str(office_db), "--user", "head",
               "metrics", "--from", "2026-01-01", "--to", "2026-12-31"]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, stdin=subprocess.DEVNULL)
    assert producer.stdout is not None
    producer.stdout.close()  # the reader is gone before the first line, as `head -0`
    _out, err = producer.communicate(timeout=120)
    assert producer.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


def test_documents_from_the_command_line(tmp_path: Path) -> None:
    """A proposal for a client by name, issued, made an invoice, paid in two parts, listed
    as JSON; a representative cannot cancel; amounts in the machine form."""
    from salesdesk.db.migrate import open_database
    from salesdesk.services import clients, company, products
    from tests.conftest import PASSWORD as TEST_PASSWORD
    from tests.conftest import build_office

    path = tmp_path / "docs.db"
    office = build_office(open_database(path, create=True))
    clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа-Трейд»",
                                                   "inn": "7736050003"})
    products.create_product(office.db, office.manager1, {
        "name": "Кресло офисное", "sku": "CH-1", "price": "12900", "unit": "шт",
        "vat_rate": "22"})
    company.update_company(office.db, office.head, {
        "bik": "044525225", "corr_account": "30101810400000000225",
        "settlement_account": "40702810938000012345", "bank_name": "ПАО Сбербанк"})
    office.db.dispose()

    def cli(*args: str, user: str = "rep1") -> subprocess.CompletedProcess[str]:
        return run(path, *args, user=user, password=TEST_PASSWORD)

    made = cli("documents", "new", "--kind", "proposal", "--client", "Альфа-Трейд",
               "--line", "CH-1;3", "--line", "Доставка;1;2500.00;22;;усл", "--issue")
    assert made.returncode == 0, made.stderr
    proposal = made.stdout.strip()
    assert proposal.startswith("REP1-P")
    invoice = cli("documents", "invoice", proposal).stdout.strip()
    assert invoice.startswith("REP1-")
    assert cli("documents", "cancel", invoice).returncode == 1  # a manager's
    assert cli("documents", "pay", invoice, "1 000,00", user="manager1").returncode == 1
    assert cli("documents", "pay", invoice, "10000.00", user="manager1").returncode == 0
    listed = json.loads(cli("documents", "list", "--kind", "invoice", "--json").stdout)
    assert [(d["number"], d["status"], d["total"], d["paid"]) for d in listed] == [
        (invoice, "partially_paid", "41200.00", "10000.00")]
    assert cli("documents", "pay", invoice, "31200.00", user="manager1").returncode == 0
    assert json.loads(cli("documents", "list", "--status", "paid", "--json").stdout)[0][
        "number"] == invoice
    bad = cli("documents", "new", "--kind", "invoice", "--client", "Нет такого")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_company_images_contact_and_a_stamped_pdf(tmp_path: Path) -> None:
    """``company set`` takes the stamp and signatures (head only, checked), ``documents
    new --contact`` addresses the person, ``pdf --stamped`` prints the images."""
    from salesdesk.db.migrate import open_database
    from salesdesk.services import clients, company, contacts
    from tests.conftest import PASSWORD as TEST_PASSWORD
    from tests.conftest import build_office
    from tests.integration.test_branding import png

    path = tmp_path / "brand.db"
    office = build_office(open_database(path, create=True))
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа-Трейд»",
                                                            "inn": "7736050003"}).client
    for name in ("Орлов Павел Сергеевич", "Смирнова Анна Игоревна"):
        contacts.add_contact(office.db, office.rep1, client.id, {"name": name})
    company.update_company(office.db, office.head, {
        "bik": "044525225", "corr_account": "30101810400000000225",
        "settlement_account": "40702810938000012345", "bank_name": "ПАО Сбербанк"})
    office.db.dispose()
    (tmp_path / "stamp.png").write_bytes(png())
    (tmp_path / "sign.png").write_bytes(png(400, 120))
    (tmp_path / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")

    def cli(*args: str, user: str = "rep1") -> subprocess.CompletedProcess[str]:
        return run(path, *args, user=user, password=TEST_PASSWORD)

    refused = cli("company", "set", "--stamp", str(tmp_path / "stamp.png"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    bad = cli("company", "set", "--stamp", str(tmp_path / "fake.png"), user="head")
    assert bad.returncode == 1 and "Stamp" in bad.stderr and "Traceback" not in bad.stderr
    missing = cli("company", "set", "--logo", str(tmp_path / "nope.png"), user="head")
    assert missing.returncode == 1 and "--logo" in missing.stderr
    done = cli("company", "set", "--stamp", str(tmp_path / "stamp.png"), "--signature-head",
               str(tmp_path / "sign.png"), "--signature-accountant", str(tmp_path / "sign.png"),
               "--payment-terms-en", "Pay in 5 days.", user="head")
    assert done.returncode == 0, done.stderr
    shown = json.loads(cli("company", "show", "--json").stdout)
    assert shown["stamp"].endswith("px") and shown["payment_terms_en"] == "Pay in 5 days."

    made = cli("documents", "new", "--kind", "invoice", "--client", "7736050003", "--contact",
               "смирнова", "--line", "Стол;1;1000.00", "--issue")
    assert made.returncode == 0, made.stderr
    number = made.stdout.strip()
    assert cli("documents", "new", "--kind", "invoice", "--client", "7736050003",
               "--contact", "Петров", "--line", "Стол;1;1000.00").returncode == 1
    out = tmp_path / "stamped.pdf"
    assert cli("pdf", number, "--stamped", "-o", str(out)).returncode == 0
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len([row for row in images if row.split()[2] == "image"]) == 3
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Альфа-Трейд" in text
    db = open_database(path)
    from salesdesk.services import documents

    record = documents.find_by_number(db, office.rep1, number)
    assert record.snapshot["buyer"]["contact"] == "Смирнова Анна Игоревна"


def test_import_prints_the_columns_and_takes_a_mapping(office_db: Path, tmp_path: Path) -> None:
    """The recognised columns are printed; a missing column asks for --map (not for
    --skip-invalid, which cannot help); --dry-run writes nothing; --map and --update."""
    odd = tmp_path / "odd.csv"
    odd.write_text("Кто;Где\nООО «Дельта»;Пермь\n", encoding="utf-8")
    refused = run(office_db, "import", "clients", str(odd), "--skip-invalid", user="head")
    assert refused.returncode == 1 and "--map" in refused.stderr
    assert "--skip-invalid" not in refused.stderr
    dry = run(office_db, "import", "clients", str(odd), "--map", "Кто=name,Где=city",
              "--dry-run", user="head")
    assert dry.returncode == 0, dry.stderr
    assert "Кто → name" in dry.stderr and "Dry run" in dry.stderr and "1 created" in dry.stdout
    listed = run(office_db, "export", "clients", str(tmp_path / "out.csv"), user="head")
    assert listed.returncode == 0 and "ООО «Дельта»" not in (tmp_path / "out.csv").read_text(
        encoding="utf-8-sig")
    done = run(office_db, "import", "clients", str(odd), "--map", "Кто=name,Где=city",
               user="head")
    assert done.returncode == 0 and "1 created" in done.stdout
    odd.write_text("Кто;Где\nООО «Дельта»;Тула\n", encoding="utf-8")
    again = run(office_db, "import", "clients", str(odd), "--map", "Кто=name,Где=city",
                "--update", user="head")
    assert again.returncode == 0 and "1 updated" in again.stdout, again.stdout


def test_audit_lists_logins_and_exports_for_the_head_only(office_db: Path,
                                                         tmp_path: Path) -> None:
    assert run(office_db, "export", "clients", str(tmp_path / "c.csv"), user="rep1",
               password="rep-secret").returncode == 0
    wrong = run(office_db, "users", "list", user="rep1", password="not-it")
    assert wrong.returncode == 1
    result = run(office_db, "audit", "--json", "--user", "rep1", user="head")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    # (Each command here starts the tests' frozen clock anew: no order across them.)
    assert {"login_failed", "export", "login"} <= {e["action"] for e in entries}
    assert all(e["user"] in ("rep1", None) for e in entries)
    export = next(e for e in entries if e["action"] == "export")
    assert export["user"] == "rep1" and export["changes"]["file"] == [None, "c.csv"]
    table = run(office_db, "audit", "--limit", "3", user="head")
    assert table.returncode == 0 and len(table.stdout.strip().splitlines()) == 3 + 2
    refused = run(office_db, "audit", user="rep1", password="rep-secret")
    assert refused.returncode == 1 and "audit.read" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    bad = run(office_db, "audit", "--since", "yesterday", user="head")
    assert bad.returncode == 2 and "is not a date" in bad.stderr


def test_due_for_scripts_and_a_clear_refusal(office_db: Path) -> None:
    empty = run(office_db, "due", user="rep1", password="rep-secret")
    assert empty.returncode == 0 and "Nothing falls due in the next 7 days" in empty.stdout
    as_json = run(office_db, "due", "--days", "30", "--json", "--everyone", user="head")
    assert as_json.returncode == 0 and json.loads(as_json.stdout) == []
    refused = run(office_db, "due", "--days", "400", user="rep1", password="rep-secret")
    assert refused.returncode == 1 and "--days" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr


def test_calendar_export_writes_an_ics_file(office_db: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    target = tmp_path / "week.ics"
    result = run(office_db, "calendar", "export", "--ics", str(target), "--days", "7",
                 user="rep1", password="rep-secret")
    assert result.returncode == 0, result.stderr
    assert "0 events written" in result.stdout
    calendar = Calendar.from_ical(target.read_bytes())
    assert str(calendar["prodid"]).startswith("-//SalesDesk")
    refused = run(office_db, "calendar", "export", "--ics", str(tmp_path / "week.txt"),
                  user="rep1", password="rep-secret")
    assert refused.returncode == 1 and "must be an .ics file" in refused.stderr


def test_an_export_says_how_many_rows_in_each_language(office_db: Path,
                                                       tmp_path: Path) -> None:
    """'1 row', '0 rows'; in Russian the number's own form ('1 строка')."""
    one = run(office_db, "export", "users", str(tmp_path / "me.csv"), user="rep1",
              password="rep-secret")
    assert one.returncode == 0 and f"1 row written to {tmp_path / 'me.csv'}." in one.stdout
    none = run(office_db, "export", "budget", str(tmp_path / "b.csv"), user="head")
    assert none.returncode == 0 and "0 rows written" in none.stdout
    ru = run(office_db, "export", "users", str(tmp_path / "me.xlsx"), user="rep1",
             password="rep-secret", lang="ru")
    assert ru.returncode == 0 and "записана 1 строка" in ru.stdout, ru.stdout
