"""The head's toolkit on the command line: ``metrics --by``, ``commission``, ``ranking``,
``budget``, ``training`` and ``strategy`` on the demo office, as JSON a script reads and
as one-line refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from salesdesk.db.migrate import open_database
from salesdesk.demo import build_demo
from tests import TODAY

MONTH = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # the month just ended
FROM = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()
TO = (TODAY.replace(day=1) - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("toolkit") / "demo.db"
    db = open_database(path, create=True)
    build_demo(db, seed=1, today=TODAY)
    db.dispose()
    return path


def run(db: Path, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESDESK_PASSWORD": "demo", "SALESDESK_LANG": "en",
           "SALESDESK_CLOCK": TODAY.isoformat()}
    return subprocess.run([sys.executable, "-m", "salesdesk", "--db", str(db), "--user", user,
                           *args], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_metrics_by_every_dimension(demo: Path) -> None:
    whole = json.loads(run(demo, "head", "metrics", "--from", FROM, "--to", TO,
                           "--json").stdout)
    for key in ("on_time_delivery_pct", "request_answer_hours_median",
                "requests_answered_late", "stage_conversion", "win_rate_by_competitor"):
        assert key in whole
    assert set(whole["stage_conversion"]) == {"new", "qualified", "proposal", "negotiation"}
    for by in ("segment", "market", "source", "product", "owner", "key_client"):
        result = run(demo, "head", "metrics", "--from", FROM, "--to", TO, "--by", by,
                     "--json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["by"] == by and data["groups"], by
        if by in ("segment", "market", "source", "key_client"):
            # The parts of the clients add up to the whole.
            assert sum(g["deals_won"] for g in data["groups"]) == whole["deals_won"], by
            assert sum(g["contacts"] for g in data["groups"]) == whole["contacts"], by
    rep = json.loads(run(demo, "rep1", "metrics", "--from", FROM, "--to", TO, "--by",
                         "owner", "--json").stdout)
    assert [g["group"] for g in rep["groups"]] == ["rep1"]
    bad = run(demo, "head", "metrics", "--from", FROM, "--to", TO, "--by", "luck")
    assert bad.returncode == 2


def test_commission_ranking_and_export(demo: Path, tmp_path: Path) -> None:
    lines = json.loads(run(demo, "head", "commission", MONTH, "--json").stdout)
    assert lines and all(line["commission"] is not None for line in lines if line["plan"]
                         != "0.00")
    mine = json.loads(run(demo, "rep1", "commission", MONTH, "--json").stdout)
    assert [line["login"] for line in mine] == ["rep1"]
    target = tmp_path / "for-the-accountant.xlsx"
    written = run(demo, "manager1", "commission", MONTH, "-o", str(target))
    assert written.returncode == 0 and target.stat().st_size > 0
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    logins = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert logins == {"manager1", "rep1", "rep2", "rep3"}  # the manager's team only
    ranked = json.loads(run(demo, "head", "ranking", "--from", FROM, "--to", TO, "--by",
                            "sales_volume", "--json").stdout)
    values = [float(p["value"]) for p in ranked["people"]]
    assert ranked["metric"] == "sales_volume" and values == sorted(values, reverse=True)
    bad = run(demo, "head", "commission", "2026-13")
    assert bad.returncode == 2 and "2026-13" in bad.stderr


def test_budget_training_and_strategy(demo: Path) -> None:
    budget = json.loads(run(demo, "manager1", "budget", "show", "--from", FROM, "--to", TO,
                            "--json").stdout)
    total = budget["channels"][-1]
    assert total["channel"] is None and float(total["planned"]) > 0
    refused = run(demo, "manager1", "budget", "set", "--month", MONTH, "--channel", "Сайт",
                  "--amount", "1")
    assert refused.returncode == 1 and "spend.edit" in refused.stderr
    assert run(demo, "rep1", "budget", "show", "--from", FROM, "--to", TO).returncode == 1
    made = run(demo, "head", "budget", "set", "--month", MONTH, "--channel", "Радио",
               "--amount", "15000.00")
    assert made.returncode == 0, made.stderr
    saved = run(demo, "manager1", "training", "template", "Стажёр", "--item",
                "Прочитать регламент;2", "--item", "Сдать зачёт по ассортименту;14")
    assert saved.returncode == 0, saved.stderr
    assigned = run(demo, "manager1", "training", "assign", "Стажёр", "rep1")
    assert assigned.returncode == 0 and "2 items" in assigned.stdout
    wrong = run(demo, "manager1", "training", "assign", "Стажёр", "rep4")
    assert wrong.returncode == 1 and "training.assign" in wrong.stderr
    progress = {p["login"]: p for p in json.loads(run(demo, "manager1", "training",
                                                      "progress", "--json").stdout)}
    assert progress["rep1"]["total"] >= 2
    strategy = json.loads(run(demo, "head", "strategy", "--from", FROM, "--to", TO,
                              "--json").stdout)
    kinds = {p["kind"] for p in strategy["priorities"]}
    assert kinds == {"segment", "market"} and strategy["key_clients"]
    for kind in kinds:
        shares = [p["share_pct"] or 0 for p in strategy["priorities"] if p["kind"] == kind]
        assert abs(sum(shares) - 100) < 0.05  # priorities and the rest are the whole
