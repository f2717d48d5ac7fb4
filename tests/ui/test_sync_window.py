"""The Sync window: the office picks up a laptop's work from the shared folder, sees
what came in, and decides a both-sides amount side by side."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk.services import deals
from salesdesk.services import sync as sync_service
from tests.ui.conftest import context_for, settle


def laptop_work(office: Database, tmp_path: Path) -> tuple[Path, Any, Path]:
    """rep1 raises a deal's amount on the laptop while the head lowers it at the office;
    the laptop drops its work in the shared folder."""
    head = login(office, "head", DEMO_PASSWORD)
    laptop_path = tmp_path / "rep1-laptop.db"
    sync_service.create_replica(office, head, "rep1", laptop_path)
    laptop = open_database(laptop_path)
    rep1 = login(laptop, "rep1", DEMO_PASSWORD)
    deal = next(d for d in deals.list_deals(laptop, rep1) if d.stage not in ("won", "lost"))
    deals.update_deal(laptop, rep1, deal.id, {"amount": str(deal.amount + 1000)})
    deals.update_deal(office, head, deal.id, {"amount": str(deal.amount - 1000)})
    share = tmp_path / "share"
    share.mkdir()
    sync_service.sync_folder(laptop, rep1, share)
    laptop.dispose()
    return share, deal, laptop_path


def test_the_office_syncs_and_decides_a_conflict_in_the_window(
        demo_db: Database, window_for: Any, qtbot: Any, tmp_path: Path,
        errors: list[BaseException]) -> None:
    share, deal, _laptop = laptop_work(demo_db, tmp_path)
    window = window_for("head")
    assert window.sync_button.text() == "Sync"
    dialog = window.open_sync()
    qtbot.addWidget(dialog)
    settle(qtbot)
    assert "office database" in dialog.summary.text()
    assert dialog.peers.rowCount() == 1 and "rep1" in dialog.peers.item(0, 0).text()
    dialog.folder.setText(str(share))
    qtbot.mouseClick(dialog.sync_now, Qt.MouseButton.LeftButton)
    settle(qtbot)
    settle(qtbot)
    assert errors == []
    log = dialog.log.toPlainText()
    # The amount, and rep1's password re-hashed to today's strength when they logged in.
    assert "2 changes from" in log and "1 conflict to resolve" in log
    assert dialog.peers.item(0, 2).text() == "2"
    assert dialog.tabs.tabText(1) == "Conflicts (1)"
    # Side by side: this database's value and the laptop's, chosen per field.
    panel = dialog.conflicts_tab
    assert panel.list.count() == 1
    assert "Amount" in panel.list.item(0).text()
    buttons = {b.text(): b for group in panel.groups.values() for b in group.buttons()}
    assert len(buttons) == 2
    laptop_value = next(b for text, b in buttons.items() if "here" not in text)
    laptop_value.setChecked(True)
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    settle(qtbot)
    assert errors == []
    head = login(demo_db, "head", DEMO_PASSWORD)
    assert deals.get_deal(demo_db, head, deal.id).amount == deal.amount + Decimal(1000)
    assert panel.list.count() == 0 and dialog.tabs.tabText(1) == "Conflicts"
    dialog.close()
    settle(qtbot)
    assert window.sync_button.text() == "Sync"
    # The folder is remembered for the next time.
    assert window.ctx.settings.value("sync/folder") == str(share)


def test_the_badge_counts_open_conflicts(demo_db: Database, window_for: Any, qtbot: Any,
                                         tmp_path: Path) -> None:
    share, _deal, _laptop = laptop_work(demo_db, tmp_path)
    sync_service.sync_folder(demo_db, login(demo_db, "head", DEMO_PASSWORD), share)
    window = window_for("manager1")
    assert window.sync_button.text() == "Sync · 1 conflict"


def test_a_representatives_laptop_has_no_conflicts_tab(demo_db: Database, qtbot: Any,
                                                       tmp_path: Path) -> None:
    from salesdesk_ui.dialogs.sync_dialog import SyncDialog

    _share, _deal, laptop_path = laptop_work(demo_db, tmp_path)
    laptop = open_database(laptop_path)
    try:
        from salesdesk_ui.main_window import MainWindow

        window = MainWindow(context_for(laptop, "rep1", tmp_path))
        qtbot.addWidget(window)
        settle(qtbot)
        # The laptop's work has gone to the folder but the office has not answered yet.
        assert window.sync_button.text().startswith("Sync · ")
        assert window.sync_button.text().endswith(" to send")
        dialog = SyncDialog(context_for(laptop, "rep1", tmp_path))
        qtbot.addWidget(dialog)
        settle(qtbot)
        assert dialog.conflicts_tab is None and dialog.tabs.count() == 1
        assert "rep1's laptop database" in dialog.summary.text()
        assert dialog.replica_button.isHidden(), "laptops are made from the office only"
        assert dialog.sync_now.isEnabled()
    finally:
        laptop.dispose()


def test_an_unreadable_bundle_is_explained_in_the_window(
        demo_db: Database, window_for: Any, qtbot: Any, tmp_path: Path,
        errors: list[BaseException]) -> None:
    from salesdesk.errors import ValidationError

    laptop_work(demo_db, tmp_path)
    bad = tmp_path / "bad.sdsync"
    bad.write_bytes(b"not a zip at all")
    window = window_for("head")
    dialog = window.open_sync()
    qtbot.addWidget(dialog)
    settle(qtbot)
    dialog.import_file(bad)
    settle(qtbot)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "bad.sdsync" in dialog.log.toPlainText()
