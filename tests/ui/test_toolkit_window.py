"""The head's toolkit in the window: the strategy's numbers, the dashboard's ranking and
budget, commission statements (and their export and scheme), onboarding templates
assigned in one step, training progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salesdesk.services import company, training
from tests.ui.conftest import settle


def test_strategy_page_shows_the_numbers(window_for: Any, qtbot: Any) -> None:
    window = window_for("head")
    page = window.show_page("strategy")
    settle(qtbot)
    rows = page.priorities.records
    kinds = {r.kind for r in rows}
    assert kinds == {"segment", "market"} and any(r.value == "" for r in rows)
    for kind in kinds:
        shares = sum(float(r.share_pct or 0) for r in rows if r.kind == kind)
        assert abs(shares - 100) < 0.05
    assert page.key_clients.records and page.budget.records[-1].channel == ""
    page.period.setCurrentIndex(3)  # this year
    settle(qtbot)
    from salesdesk.services.strategy_figures import strategy_figures

    start, end = page.period.currentData()
    expected = strategy_figures(window.ctx.db, window.ctx.actor, start, end)
    assert [(r.value, r.sales_volume) for r in page.priorities.records] == [
        (r.value, r.sales_volume) for r in expected.priorities]


def test_dashboard_ranks_the_team_and_holds_the_budget(window_for: Any, qtbot: Any) -> None:
    window = window_for("manager1")
    page = window.show_page("dashboard")
    settle(qtbot)
    assert page.team_panels.isVisibleTo(page)
    names = [page.ranking_table.item(r, 1).toolTip()
             for r in range(page.ranking_table.rowCount())]
    assert len(names) == 4  # the manager and their three representatives
    ranks = [page.ranking_table.item(r, 0).text() for r in range(len(names))]
    assert ranks[0] == "1"
    assert page.budget_table.item(page.budget_table.rowCount() - 1, 0).text() == "Total"
    rep = window_for("rep1").show_page("dashboard")
    settle(qtbot)
    assert not rep.team_panels.isVisibleTo(rep)  # no spend, no team for a representative


def test_commission_statements_scheme_and_export(window_for: Any, qtbot: Any,
                                                 tmp_path: Path, monkeypatch: Any) -> None:
    from salesdesk_ui.pages import team_motivation

    window = window_for("head")
    team = window.show_page("team")
    settle(qtbot)
    tab = team.commission
    lines = tab.model.records
    assert len(lines) == 8 and all(line.commission is not None for line in lines)
    assert "3 %" in tab.scheme_text.text() or "3%" in tab.scheme_text.text()
    target = tmp_path / "statements.xlsx"
    monkeypatch.setattr(team_motivation, "choose_export_file", lambda *_a: str(target))
    tab.export()
    settle(qtbot)
    assert target.stat().st_size > 0 and "8 statements" in tab.total.text()
    tab.edit_scheme()
    settle(qtbot)
    from PySide6.QtWidgets import QApplication

    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.isVisible() and w.windowTitle() == "Commission scheme and ranking")
    dialog.widgets["rate_pct"].setText("4")
    dialog.widgets["ranking_metric"].setCurrentIndex(
        dialog.widgets["ranking_metric"].findData("sales_volume"))
    dialog.save()
    settle(qtbot)
    record = company.get_company(window.ctx.db, window.ctx.actor)
    assert record.commission_scheme["rate_pct"] == "4"
    assert record.ranking_metric == "sales_volume"
    mine = window_for("rep2").show_page("team")
    settle(qtbot)
    assert [line.login for line in mine.commission.model.records] == ["rep2"]


def test_a_template_is_made_and_assigned_in_one_step(window_for: Any, qtbot: Any) -> None:
    from salesdesk_ui.dialogs.templates_dialog import AssignTemplateDialog, TemplatesDialog

    window = window_for("manager1")
    ctx = window.ctx
    team = window.show_page("team")
    settle(qtbot)
    editor = TemplatesDialog(ctx, team)
    qtbot.addWidget(editor)
    settle(qtbot)
    editor.new()
    editor.name.setText("Стажёр склада")
    editor.add_item("Пройти инструктаж", 1)
    editor.add_item("", 3)  # an item without a title: refused, by its number
    editor.save()
    settle(qtbot)
    assert "Item 3" in editor.error.text()
    editor.items.removeRow(2)
    editor.save()
    settle(qtbot)
    made = next(t for t in training.list_templates(ctx.db, ctx.actor)
                if t.name == "Стажёр склада")
    assert [(i.title, i.offset_days) for i in made.items] == [
        ("Study the catalogue", 7), ("Пройти инструктаж", 1)]
    people = [(u.id, u.name) for u in team.users_model.records if u.login == "rep2"]
    assign = AssignTemplateDialog(ctx, people, team)
    qtbot.addWidget(assign)
    settle(qtbot)
    assign.template.setCurrentIndex(assign.template.findData(str(made.id)))
    assign.assign()
    settle(qtbot)
    titles = {i.title for i in training.list_training(ctx.db, ctx.actor)
              if i.user_name == people[0][1]}
    assert {"Пройти инструктаж", "Study the catalogue"} <= titles
    team.refresh()
    settle(qtbot)
    progress = {p.login: p for p in team.progress_model.records}
    assert progress["rep2"].total >= 2
