"""The working day on the command line: ``meetings``, ``files``, ``mail`` and
``documents send`` against a real SMTP server, each refusal one line on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesdesk.db.migrate import open_database
from salesdesk.services import clients, company, documents
from tests import TODAY
from tests.conftest import PASSWORD, build_office
from tests.integration.test_mail import LOGIN, SECRET, Server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def run(db: Path, *args: str, user: str = "rep1", **env: str
        ) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SALESDESK_PASSWORD": PASSWORD, "SALESDESK_LANG": "en",
                   # No keyring in a test, whatever the machine has.
                   "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **env}
    return subprocess.run([sys.executable, "-m", "salesdesk", "--db", str(db), "--user",
                           user, *args], capture_output=True, text=True, env=environment,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def cli_office(tmp_path: Path) -> tuple[Path, str]:
    """An office with a representative, a client and an issued invoice (its number)."""
    path = tmp_path / "office.db"
    db = open_database(path, create=True)
    made = build_office(db)
    head, rep = made.head, made.rep1
    client = clients.create_client(db, rep, {"name": "ООО «Альфа»", "inn": "7736050003",
                                             "email": "buyer@alfa.ru"}).client
    draft = documents.create_document(db, rep, "invoice", client.id, lines=[
        {"description": "Кресло", "quantity": "1", "unit": "шт", "price": "1000"}])
    number = documents.issue_document(db, rep, draft.id).number or ""
    company.update_company(db, head, {"file_limit_mb": "1"})
    db.dispose()
    return path, number


def test_meetings_from_the_command_line(cli_office: tuple[Path, str]) -> None:
    db, _number = cli_office
    day = TODAY.isoformat()
    made = run(db, "meetings", "plan", "--client", "7736050003", "--date", day, "--time",
               "10:30", "--minutes", "45", "--subject", "Переговоры", "--place", "Офис")
    assert made.returncode == 0, made.stderr
    listed = json.loads(run(db, "meetings", "list", "--json").stdout)
    assert [(m["subject"], m["time"], m["minutes"], m["status"]) for m in listed] == [
        ("Переговоры", "10:30", 45, "planned")]
    short = listed[0]["id"][:8]
    moved = run(db, "meetings", "move", short, "--date", day, "--time", "14:00")
    assert moved.returncode == 0 and "14:00–14:45" in moved.stdout
    bad = run(db, "meetings", "move", short, "--date", day, "--time", "25:00")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert "--time" in bad.stderr and "Traceback" not in bad.stderr
    done = run(db, "meetings", "done", short, "--outcome", "Договорились")
    assert done.returncode == 0, done.stderr
    again = run(db, "meetings", "cancel", short)
    assert again.returncode == 1 and "only a planned one" in again.stderr
    due = json.loads(run(db, "due", "--json").stdout)
    assert "Переговоры" not in {d["title"] for d in due}  # held: nothing left to do


def test_files_from_the_command_line(cli_office: tuple[Path, str], tmp_path: Path) -> None:
    db, number = cli_office
    scan = tmp_path / "скан счёта.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    added = run(db, "files", "add", "documents", number, str(scan))
    assert added.returncode == 0, added.stderr
    [listed] = json.loads(run(db, "files", "list", "documents", number, "--json").stdout)
    assert (listed["name"], listed["size"], listed["here"]) == ("скан счёта.pdf", 13, True)
    target = tmp_path / "copy.pdf"
    got = run(db, "files", "get", listed["id"], "-o", str(target))
    assert got.returncode == 0 and target.read_bytes() == scan.read_bytes()
    big = tmp_path / "big.tiff"
    big.write_bytes(b"\0" * (1024 * 1024 + 10))
    refused = run(db, "files", "add", "clients", "7736050003", str(big))
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "big.tiff" in refused.stderr and "1 MB" in refused.stderr
    removed = run(db, "files", "remove", listed["id"][:8], "--kind", "documents", "--ref",
                  number)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(run(db, "files", "list", "documents", number, "--json").stdout) == []


def test_mail_and_documents_send(cli_office: tuple[Path, str]) -> None:
    db, number = cli_office
    server = Server()
    try:
        setup = run(db, "mail", "set", "--host", "127.0.0.1", "--port", str(server.port),
                    "--security", "none", "--login", LOGIN,
                    **{"SALESDESK_SMTP_PASSWORD": SECRET})
        assert setup.returncode == 0, setup.stderr
        assert "no keyring" in setup.stdout and "sending as rep1@romashka.ru" in setup.stdout
        # The server is down: the invoice waits in the outbox (and that is not a failure).
        waiting = run(db, "documents", "send", number, **{"SALESDESK_SMTP_PASSWORD": SECRET})
        assert waiting.returncode == 0, waiting.stderr
        assert "waits in the outbox" in waiting.stdout and "refused" in waiting.stdout
        [queued] = json.loads(run(db, "mail", "outbox", "--json").stdout)
        assert queued["status"] == "queued" and queued["to"] == "buyer@alfa.ru"
        server.start()
        sent = run(db, "mail", "send", **{"SALESDESK_SMTP_PASSWORD": SECRET})
        assert sent.returncode == 0 and "1 message sent." in sent.stdout
        assert len(server.inbox.envelopes) == 1
        # A wrong password: refused, one line, the message stays with the reason.
        wrong = run(db, "documents", "send", number, "--template", "reminder",
                    **{"SALESDESK_SMTP_PASSWORD": "wrong"})
        assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
        assert "refused the login" in wrong.stderr
        [kept] = json.loads(run(db, "mail", "outbox", "--json").stdout)
        assert kept["status"] == "failed" and "535" in kept["error"]
        retried = run(db, "mail", "retry", kept["id"][:8], **{"SALESDESK_SMTP_PASSWORD": SECRET})
        assert retried.returncode == 0 and len(server.inbox.envelopes) == 2
    finally:
        server.stop()
