"""The window never waits for the database: the GUI-thread guard, reads beside each other,
writes alone and in order, and the change hub that keeps open pages current."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk.services import clients, deals
from tests.ui.conftest import settle


def test_the_guard_names_the_window_code_that_used_the_database_on_the_gui_thread(
        demo_db: Database) -> None:
    from salesdesk_ui import db_guard
    from salesdesk_ui.lookups import load_lookups

    head = login(demo_db, "head", DEMO_PASSWORD)
    clients.list_clients(demo_db, head, clients.ClientQuery(limit=1))
    assert db_guard.take() == []  # a test (or the command line) may: it is not the window
    load_lookups(demo_db, head)  # window code, run here on the GUI thread: caught
    trips = db_guard.take()
    assert trips and all("lookups.py" in trip.where for trip in trips)
    assert any(trip.statement.startswith("SELECT") for trip in trips)


def test_the_same_work_through_op_runs_off_the_gui_thread(demo_db: Database,
                                                         qtbot: Any) -> None:
    from salesdesk_ui import db_guard
    from salesdesk_ui.lookups import load_lookups
    from salesdesk_ui.worker import Op

    head = login(demo_db, "head", DEMO_PASSWORD)
    got: list[Any] = []
    Op(None, load_lookups, demo_db, head).success(got.append).run()
    settle(qtbot)
    assert got and got[0].users and got[0].products
    assert db_guard.take() == []


def test_reads_run_beside_each_other(qtbot: Any) -> None:
    from salesdesk_ui.worker import Op

    both = threading.Barrier(2, timeout=10)
    done: list[str] = []

    def read(name: str) -> str:
        both.wait()  # only passes when the other read runs at the same time
        return name

    Op(None, read, "a").success(done.append).run()
    Op(None, read, "b").success(done.append).run()
    settle(qtbot)
    assert sorted(done) == ["a", "b"]


def test_writes_run_one_at_a_time_in_order_and_reads_wait_for_them(qtbot: Any) -> None:
    from salesdesk_ui.worker import Op

    running: list[int] = []
    overlapped: list[bool] = []
    order: list[str] = []

    def write(name: str) -> str:
        running.append(1)
        overlapped.append(len(running) > 1)
        time.sleep(0.05)
        order.append(name)
        running.pop()
        return name

    for name in ("first", "second", "third"):
        Op(None, write, name, changes=()).run()
    seen: list[list[str]] = []
    Op(None, lambda: list(order)).success(seen.append).run()
    settle(qtbot)
    assert order == ["first", "second", "third"] and not any(overlapped)
    # The read asked for after the writes saw all three of them.
    assert seen == [["first", "second", "third"]]


def test_an_answer_for_a_closed_dialog_is_dropped_not_delivered(qtbot: Any) -> None:
    from PySide6.QtWidgets import QDialog

    from salesdesk_ui.worker import Op, pending

    dialog = QDialog()
    calls: list[Any] = []
    release = threading.Event()
    Op(dialog, lambda: release.wait(10)).success(calls.append).run()
    dialog.deleteLater()
    qtbot.wait(50)
    release.set()
    settle(qtbot)
    assert calls == [] and pending() == 0


def test_a_write_elsewhere_refreshes_the_open_page_and_leaves_hidden_ones(
        window_for: Any, qtbot: Any, demo_db: Database, errors: list[BaseException]) -> None:
    from salesdesk_ui.worker import Op

    window = window_for("head")
    page = window.show_page("clients")
    settle(qtbot)
    deals_page = window.page("deals")
    window.show_page("clients")
    settle(qtbot)
    before_clients = page.follower.refreshes
    before_deals = deals_page.follower.refreshes
    head = login(demo_db, "head", DEMO_PASSWORD)
    first = clients.list_clients(demo_db, head, clients.ClientQuery(limit=1))[0]
    # A save from somewhere that is not the clients page (a card, another dialog).
    Op(None, clients.update_client, demo_db, head, first.id, {"name": "Переименованный клиент"},
       first.version, changes={"clients"}).run()
    settle(qtbot)
    settle(qtbot)
    assert errors == []
    assert page.follower.refreshes == before_clients + 1
    assert deals_page.follower.refreshes == before_deals  # hidden: loads when shown
    names = [page.model.record(r).name for r in range(page.model.rowCount())]
    assert "Переименованный клиент" in names


def test_an_open_client_card_follows_a_deal_changed_elsewhere(
        window_for: Any, qtbot: Any, demo_db: Database, errors: list[BaseException]) -> None:
    from salesdesk_ui.dialogs.client_card import ClientCard
    from salesdesk_ui.worker import Op

    window = window_for("head")
    head = login(demo_db, "head", DEMO_PASSWORD)
    deal = next(d for d in deals.list_deals(demo_db, head) if d.stage not in ("won", "lost"))
    card = ClientCard(window.ctx, deal.client_id, window)
    qtbot.addWidget(card)
    card.show()
    settle(qtbot)
    before = card.follower.refreshes
    Op(None, deals.update_deal, demo_db, head, deal.id, {"title": "Новое название сделки"},
       deal.version, changes={"deals"}).run()
    settle(qtbot)
    settle(qtbot)
    assert errors == [] and card.isVisible()
    assert card.follower.refreshes == before + 1
    assert any(d.title == "Новое название сделки" for d in card.data.deals)


def test_unknown_kinds_of_change_are_refused() -> None:
    from salesdesk_ui.changes import hub

    with pytest.raises(ValueError, match="unknown kinds"):
        hub().announce({"client"})


def test_a_write_reads_again_only_the_lists_it_touched(window_for: Any, qtbot: Any,
                                                       demo_db: Database) -> None:
    from salesdesk.services import products
    from salesdesk_ui.lookups import parts_for
    from salesdesk_ui.worker import Op

    assert parts_for({"clients"}) == ["channels", "client_values"]
    assert parts_for({"deals", "tasks"}) == []
    window = window_for("head")
    head = login(demo_db, "head", DEMO_PASSWORD)
    people = window.ctx.lookups.users
    Op(None, products.create_product, demo_db, head, {"name": "Шкаф-купе", "price": "9900"},
       changes={"products"}).run()
    settle(qtbot)
    settle(qtbot)
    assert "Шкаф-купе" in {p.name for p in window.ctx.lookups.products}
    assert window.ctx.lookups.users is people  # not read again


def test_the_client_list_is_read_once_when_first_shown_and_again_when_sorted(
        window_for: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list's view sorts its model as soon as sorting is enabled; that must not load
    the list before the page is shown (it read the count and the first page twice on
    every first paint, issue 16). A sort by the user still reloads it."""
    from PySide6.QtCore import Qt

    reads: list[Any] = []
    first_page = clients.first_page
    monkeypatch.setattr(clients, "first_page",
                        lambda *a, **k: reads.append(a[2].sort) or first_page(*a, **k))
    window = window_for("head")
    page = window.page("clients")
    settle(qtbot)
    assert reads == []  # made, not shown: nothing read yet
    window.show_page("clients")
    settle(qtbot)
    assert reads == ["name"] and page.model.rowCount() > 0
    names = [page.model.record(r).name for r in range(page.model.rowCount())]
    page.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    settle(qtbot)
    assert reads == ["name", "name"]
    shown = [page.model.record(r).name for r in range(page.model.rowCount())]
    assert shown[0] >= shown[-1] and shown != names
