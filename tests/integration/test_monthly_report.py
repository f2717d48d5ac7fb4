"""The monthly report: figures read back through pdftotext equal the metrics module's, and
every section is there in both languages."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from salesdesk.db.engine import Database
from salesdesk.documents.monthly_report import SUMMARY_KEYS, fmt
from salesdesk.errors import PermissionDenied
from salesdesk.i18n import Tr, short_person
from salesdesk.metrics.definitions import BY_KEY
from salesdesk.services import metrics
from salesdesk.services.reports import monthly_report_pdf
from tests.conftest import Office
from tests.integration.test_metrics import MARCH_FROM, MARCH_TO, build

SECTIONS = {
    "ru": ["Ежемесячный отчёт о продажах", "1. Ключевые показатели",
           "В сравнении с тем же месяцем прошлого года", "2. По сотрудникам",
           "3. Воронка и причины проигрыша", "4. Клиенты", "10 крупнейших клиентов по объёму",
           "5. Маркетинговые расходы и CAC по каналам", "6. Воронка и прогноз на следующий месяц",
           "Просроченные счета", "Просроченные поставки", "7. Графики",
           "8. Стратегия, бюджет и команда", "Приоритетные сегменты и рынки",
           "Маркетинговый бюджет: план и факт", "Поставки, запросы и воронка",
           "Рейтинг команды и комиссия", "Прогресс обучения", "9. Выводы",
           "Руководитель отдела продаж"],
    "en": ["Monthly sales report", "1. Key figures", "Against the same month last year",
           "2. By person", "3. Funnel and lost reasons", "4. Customers",
           "Top 10 clients by volume", "5. Marketing spend and CAC by channel",
           "6. Pipeline and forecast for next month", "Overdue invoices", "Overdue deliveries",
           "7. Charts", "8. Strategy, budget and team", "Priority segments and markets",
           "Marketing budget: plan and fact", "Deliveries, requests and the funnel",
           "Team ranking and commissions", "Training progress", "9. Conclusions",
           "Head of sales"],
}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.replace("\u00a0", " ")


def squash(text: str) -> str:
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_report_figures_match_the_metrics_and_sections_are_there(office: Office, tmp_path: Path,
                                                                 lang: str) -> None:
    build(office)
    pdf = monthly_report_pdf(office.db, office.head, 2026, 3, "Март: план выполнен наполовину.",
                             today=date(2026, 4, 2), lang=lang)
    text = text_of(pdf, tmp_path)
    flat = squash(text)
    for section in SECTIONS[lang]:
        assert section in flat, section
    assert "Март: план выполнен наполовину." in flat
    t = Tr(lang)
    values = metrics.metrics(office.db, office.head, MARCH_FROM, MARCH_TO).values
    lines = [squash(line).strip() for line in text.splitlines()]
    # The summary: each figure's row starts with its label and its value for the month.
    for key in SUMMARY_KEYS:
        label = BY_KEY[key].label_in(lang)
        value = squash(fmt(t, BY_KEY[key].kind, values[key]))
        assert any(line.startswith(label.split()[0]) and value in line for line in lines), (
            key, value)
    # The per-person table: plan, fact, %, deals, average check, conversion, contacts.
    people = {p.name: p.values for p in metrics.per_person(office.db, office.head, MARCH_FROM,
                                                           MARCH_TO)}
    rep1 = people["Пётр Кузнецов"]
    # People are named short, as Russian business papers do: "Пётр К." for "Пётр Кузнецов".
    row = next(line for line in lines if line.startswith(short_person("Пётр Кузнецов") + " "))
    expected = [fmt(t, "money", rep1["plan"]), fmt(t, "money", rep1["sales_volume"]),
                fmt(t, "percent", rep1["plan_attainment_pct"]), fmt(t, "count",
                                                                    rep1["deals_won"]),
                fmt(t, "money", rep1["average_check"]), fmt(t, "percent",
                                                            rep1["conversion_pct"]),
                fmt(t, "count", rep1["contacts"])]
    assert squash(" ".join(expected)) in row, (expected, row)
    total_label = t._("Total")
    total = next(line for line in lines if line.startswith(total_label + " ")
                 and squash(fmt(t, "money", values["plan"])) in line)
    assert squash(fmt(t, "money", values["sales_volume"])) in total
    assert total.endswith(squash(fmt(t, "count", values["contacts"])))


def test_the_report_is_for_managers_and_the_head(office: Office, tmp_path: Path) -> None:
    build(office)
    with pytest.raises(PermissionDenied, match="report"):
        monthly_report_pdf(office.db, office.rep1, 2026, 3)
    pdf = monthly_report_pdf(office.db, office.manager1, 2026, 3, lang="en",
                             today=date(2026, 4, 2))
    text = squash(text_of(pdf, tmp_path))
    assert "Team of Мария Иванова" in text
    assert "Дмитрий Волков" not in text  # rep3 belongs to manager2's team


def test_cli_report_command(office: Office, tmp_path: Path) -> None:
    import os
    import sys

    build(office)
    target = tmp_path / "march.pdf"
    notes = tmp_path / "notes.txt"
    notes.write_text("Выводы месяца.", encoding="utf-8")
    location = str(office.db.path) if office.db.path else office.db.url
    result = subprocess.run([sys.executable, "-m", "salesdesk", "--db", location, "--user",
                             "head", "report", "monthly", "2026-03", "-o", str(target),
                             "--conclusions", str(notes)],
                            env={**os.environ, "SALESDESK_PASSWORD": "pw-test"},
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Выводы месяца." in squash(text_of(target.read_bytes(), tmp_path))
    bad = subprocess.run([sys.executable, "-m", "salesdesk", "--db", location, "--user", "head",
                          "report", "monthly", "2026-13"], capture_output=True, text=True,
                         env={**os.environ, "SALESDESK_PASSWORD": "pw-test"}, timeout=60)
    assert bad.returncode == 2 and "2026-13" in bad.stderr


@pytest.mark.parametrize("day", [date(2028, 2, 29), date(2026, 12, 31), date(2027, 1, 1)])
def test_metrics_and_the_report_on_awkward_days(db: Database, tmp_path: Path,
                                                day: date) -> None:
    """Leap day, the last day of a year and the first of the next: the running month, the
    default report month and the like-with-like comparison all hold."""
    from salesdesk import clock
    from salesdesk.auth import login
    from salesdesk.demo import DEMO_PASSWORD, build_demo
    from salesdesk.metrics.engine import Period
    from salesdesk.services.reports import default_report_month, report_months

    clock.set_clock(day)
    build_demo(db, seed=3, today=day)
    head = login(db, "head", DEMO_PASSWORD)
    month = Period.month(day.year, day.month)
    shown, compared = month.so_far(day), month.previous_like(day)
    assert shown.end == day
    # On a month's last day the whole month stands against the whole month before.
    assert compared == (month.previous() if day == month.end else
                        Period(month.previous().start,
                               month.previous().start + (day - month.start)))
    now, before = metrics.metrics_of_periods(db, head, [shown, compared])
    alone = metrics.metrics(db, head, shown.start, shown.end)
    assert now.to_json() == alone.to_json()
    assert before["contacts"] > 0 and now["plan"] > 0
    default = default_report_month(day)
    assert default == (month.start if day.day > 10 else month.previous().start)
    months = report_months(db, head, day)
    assert months[0] == month.start and default in months
    assert all(m.day == 1 for m in months) and months == sorted(set(months), reverse=True)
    text = text_of(monthly_report_pdf(db, head, default.year, default.month,
                                      lang="en"), tmp_path)
    assert "Monthly sales report" in text


def test_report_months_start_at_the_first_live_record(office: Office) -> None:
    """The months one can report on start at the earliest live deal of any stage,
    activity or payment (each read from an index, issue 16); a deleted record does not
    reach further back."""
    from datetime import timedelta

    from salesdesk import clock
    from salesdesk.services import activities, clients, deals
    from salesdesk.services.reports import default_report_month, month_starts, report_months

    today = clock.today()
    db, rep = office.db, office.rep1
    client = clients.create_client(db, rep, {"name": "Альфа"}).client
    months_back = [(today.replace(day=1) - timedelta(days=31 * n)).replace(day=1)
                   for n in (0, 3, 5, 8)]
    assert report_months(db, rep, today) == month_starts(default_report_month(today), today)
    # The earliest live deal is a lost one: every stage is looked at, not just one.
    fresh = deals.create_deal(db, rep, client.id, {"title": "Новая", "amount": "1000",
                                                   "opened_on": months_back[1].isoformat()})
    old = deals.create_deal(db, rep, client.id, {"title": "Старая", "amount": "1000",
                                                 "opened_on": months_back[2].isoformat()})
    deals.move_deal(db, rep, old.id, "lost", closed_on=months_back[1],
                    lost_reason="Цена", today=months_back[1])
    assert fresh.stage == "new"
    assert report_months(db, rep, today)[-1] == months_back[2]
    # A deleted activity further back does not count; a live one does.
    call = activities.log_activity(db, rep, client.id, {
        "kind": "call", "date": months_back[3].isoformat()})
    assert report_months(db, rep, today)[-1] == months_back[3]
    activities.delete_activity(db, rep, call.id)
    assert report_months(db, rep, today)[-1] == months_back[2]
    deals.delete_deal(db, rep, old.id)
    assert report_months(db, rep, today)[-1] == months_back[1]
