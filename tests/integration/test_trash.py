"""The trash: who sees and restores which deleted records (role × kind), and the command
line that does it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from salesdesk.errors import NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import clients, deals, tasks, trash
from tests.conftest import PASSWORD, Office


def _deleted_client(office: Office, owner: str, name: str) -> object:
    made = clients.create_client(office.db, office.actor(owner), {"name": name})
    clients.delete_client(office.db, office.actor(owner), made.client.id)
    return made.client.id


# Who may restore a client of rep1 (manager1's team) deleted by rep1.
MATRIX = {"rep1": True, "rep2": False, "rep3": False, "manager1": True, "manager2": False,
          "head": True}


@pytest.mark.parametrize(("who", "allowed"), sorted(MATRIX.items()))
def test_who_sees_and_restores_a_deleted_client(office: Office, who: str,
                                                allowed: bool) -> None:
    client_id = _deleted_client(office, "rep1", "ООО «Удалённый»")
    listed = [i.id for i in trash.list_trash(office.db, office.actor(who), "clients")]
    assert (client_id in listed) is allowed
    if allowed:
        item = trash.restore(office.db, office.actor(who), "clients", client_id)
        assert item.title == "ООО «Удалённый»" and item.kind_label == "Client"
        assert clients.get_client(office.db, office.rep1, client_id).name == "ООО «Удалённый»"
        assert client_id not in [i.id for i in trash.list_trash(office.db, office.head)]
    else:
        with pytest.raises((PermissionDenied, NotFoundError)):
            trash.restore(office.db, office.actor(who), "clients", client_id)
        with pytest.raises(NotFoundError):
            clients.get_client(office.db, office.head, client_id)


def test_a_deal_waits_for_its_deleted_client_and_a_live_record_is_not_restored(
        office: Office) -> None:
    made = clients.create_client(office.db, office.rep1, {"name": "ООО «Родитель»"})
    deal = deals.create_deal(office.db, office.rep1, made.client.id, {
        "title": "Кресла", "amount": Decimal("1000"), "opened_on": date(2026, 11, 2)})
    deals.delete_deal(office.db, office.rep1, deal.id)
    clients.delete_client(office.db, office.rep1, made.client.id)
    kinds = {i.kind for i in trash.list_trash(office.db, office.rep1)}
    assert {"clients", "deals"} <= kinds
    with pytest.raises(ValidationError) as refused:
        trash.restore(office.db, office.rep1, "deals", deal.id)
    assert "restore the client first" in str(refused.value)
    trash.restore(office.db, office.rep1, "clients", made.client.id)
    trash.restore(office.db, office.rep1, "deals", deal.id)
    assert deals.get_deal(office.db, office.rep1, deal.id).title == "Кресла"
    with pytest.raises(ValidationError):
        trash.restore(office.db, office.rep1, "deals", deal.id)  # not deleted any more
    with pytest.raises(ValidationError):
        trash.restore(office.db, office.rep1, "planets", deal.id)


def test_a_restore_is_audited_and_goes_to_the_laptops(office: Office) -> None:
    from sqlalchemy import select

    from salesdesk.db.models import AuditEntry, ChangeEntry

    task = tasks.create_task(office.db, office.rep1, {"title": "Позвонить",
                                                      "due_date": date(2026, 12, 3)})
    tasks.delete_task(office.db, office.rep1, task.id)
    trash.restore(office.db, office.rep1, "tasks", task.id)
    with office.db.read() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.record_id == task.id).order_by(AuditEntry.at)))
        ops = list(session.scalars(select(ChangeEntry.op).where(
            ChangeEntry.record_id == task.id).order_by(ChangeEntry.origin_seq)))
    assert actions[-2:] == ["delete", "restore"] and ops[-2:] == ["delete", "restore"]


def test_the_command_line_lists_and_restores(office: Office, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from salesdesk.cli import main

    client_id = _deleted_client(office, "rep1", "ООО «Из корзины»")
    url = str(office.db.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SALESDESK_PASSWORD", PASSWORD)

    def cli(*args: str) -> tuple[int, str, str]:
        code = main(["--db", url, "--user", "rep1", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _err = cli("trash", "list", "--json")
    assert code == 0
    assert [i["title"] for i in json.loads(out) if i["kind"] == "clients"] == ["ООО «Из корзины»"]
    code, out, _err = cli("trash", "list")
    assert code == 0 and str(client_id)[:8] in out and "ООО «Из корзины»" in out
    code, _out, err = cli("trash", "restore", "clients", "ffffffff")
    assert code == 1 and "trash list" in err
    code, out, _err = cli("trash", "restore", "clients", str(client_id)[:8])
    assert code == 0 and "Restored: Client «ООО «Из корзины»»." in out
    assert clients.get_client(office.db, office.rep1, client_id).name == "ООО «Из корзины»"
    code, out, _err = cli("trash", "list")
    assert code == 0 and "The trash is empty." in out
