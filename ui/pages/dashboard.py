"""The dashboard: metric cards for the scope and period, the charts, and the "Today"
column (my tasks, overdue requests and deliveries, proposals expiring this week)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from salesdesk import charts, clock
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.i18n import _, format_money, format_number, format_percent, get_language
from salesdesk.metrics.definitions import BY_KEY, help_text
from salesdesk.metrics.engine import Period
from salesdesk.services import (
    activities,
    budget,
    deliveries,
    documents,
    metrics,
    onboarding,
    tasks,
)

from .. import theme
from ..widgets import DateEdit, FlowLayout, MetricCard, PageHeader
from ..worker import Op
from .base import Page

CARDS = [  # key, good when it goes up
    ("sales_volume", True), ("deals_won", True), ("conversion_pct", True),
    ("average_check", True), ("deal_time_days_median", False), ("customers_new", True),
    ("retention_pct", True), ("collected", True), ("cac", False),
    ("forecast_weighted", True), ("on_time_delivery_pct", True),
    ("request_answer_hours_median", False),
]


def period_choices(today: date) -> list[tuple[str, Period | None]]:
    """The period picker's entries (whole calendar periods; a period still running is
    shown so far, see :func:`shown_periods`)."""
    month = Period.month(today.year, today.month)
    previous = month.previous()
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end = (Period.month(quarter_start.year, quarter_start.month + 2)).end
    return [(_("This month"), month), (_("Last month"), previous),
            (_("This quarter"), Period(quarter_start, quarter_end)),
            (_("This year"), Period(date(today.year, 1, 1), date(today.year, 12, 31))),
            (_("Custom…"), None)]


DEFAULT_LAST_MONTH_UNTIL_DAY = 7
"""In the first days of a month the dashboard opens on the month just ended: a day or
two of a new month says little, and compared with the same days of the month before it
swings wildly."""


def default_choice(today: date) -> int:
    """The picker's entry the dashboard opens with: last month during the first week of a
    month, this month after it."""
    return 1 if today.day <= DEFAULT_LAST_MONTH_UNTIL_DAY else 0


def shown_periods(period: Period, today: date) -> tuple[Period, Period]:
    """What a chosen period shows and what it is compared with: a period still running
    is shown up to today and compared with the same number of days of the period before
    (METRICS.md, "Comparisons")."""
    return period.so_far(today), period.previous_like(today)


def comparison_text(shown: Period, compared: Period, lang: str | None = None) -> str:
    """``1–5 Dec 2026 vs 1–5 Nov 2026``: which days the cards compare."""
    lang = lang or get_language()
    return _("{shown} vs {compared}").format(shown=charts.period_label(shown.start, shown.end,
                                                                        lang),
                                             compared=charts.period_label(compared.start,
                                                                          compared.end, lang))


TODAY_SHOWN = 8
"""How many of each kind the "Today" column lists (with the count of all)."""


@dataclass
class DashboardData:
    """Everything the dashboard shows, fetched in one background job."""

    current: metrics.MetricsResult
    previous: metrics.MetricsResult
    series: list[metrics.MonthPoint]
    parts: metrics.Breakdowns
    people: list[metrics.PersonMetrics]
    today: dict[str, list[Any]]
    """The "Today" column's records (the first few of the long lists)."""
    today_totals: dict[str, int]
    """How many there are of each list the column shows only the first of."""
    steps: list[onboarding.StartStep]
    """The "Getting started" checklist (what a new office still has to do)."""
    budget: list[Any] | None = None
    """The marketing budget against spend by channel (managers and the head)."""
    duties: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    """The duties' metrics (on-time delivery, answer time…) of the period and the one
    compared with it."""


def load(db: Database, actor: Actor, period: Period, scope: str | None,
         today: date) -> DashboardData:
    """Fetch the dashboard's data (runs in the background)."""
    period, prev = shown_periods(period, today)
    series_from = (period.end.replace(day=1) - timedelta(days=330)).replace(day=1)
    # The cards, the year of points and the per-person table from one read of the data.
    with_people = actor.role in ("head", "manager") and scope is None
    shown = metrics.figures(db, actor, [period, prev], Period(series_from, period.end),
                            people=period if with_people else None, scope_login=scope,
                            parts=period)
    current, previous = shown.periods
    due = documents.due_documents(db, actor, today=today, first=TODAY_SHOWN)
    return DashboardData(
        current=current,
        previous=previous,
        series=shown.series,
        parts=shown.parts,
        people=[p for p in shown.people if p.role != "head"],
        today={
            "tasks": tasks.list_tasks(db, actor, due_to=today, today=today),
            "requests": activities.open_requests(db, actor, today=today, overdue_only=True,
                                                 mine_only=True),
            "deliveries": deliveries.list_deliveries(db, actor, overdue_only=True, today=today,
                                                     mine_only=actor.role == "rep"),
            "proposals": due.proposals,
            "invoices": due.invoices,
        },
        today_totals={"proposals": due.proposals_total, "invoices": due.invoices_total},
        steps=onboarding.first_steps(db, actor),
        duties=(metrics.duties_of(db, actor, period, scope),
                metrics.duties_of(db, actor, prev, scope)),
        budget=budget.budget_vs_spend(db, actor, period.start, period.end)
        if with_people else None)


def card_text(key: str, value: Any) -> str:
    """A metric value as a card shows it."""
    kind = BY_KEY[key].kind
    if value is None:
        return _("n/a")
    if kind == "money":
        return format_money(value)
    if kind == "percent":
        return format_percent(value)
    if kind == "days":
        return _("{days} d").format(days=format_number(value, decimals=0))
    if kind == "hours":
        return _("{hours} h").format(hours=format_number(value, decimals=1))
    return format_number(value)


def change_pct(now: Any, before: Any) -> float | None:
    """Percent change against the previous period (``None`` when it cannot be said)."""
    if now is None or before is None or not before:
        return None
    return float((Decimal(now) - Decimal(before)) * 100 / abs(Decimal(before)))


class WrappingHolder(QWidget):
    """Holds the wrapping metric cards; its minimum height follows its width.

    (Height-for-width in a scroll area made Qt lay the charts below out in too little
    space; an explicit minimum height keeps the layout simple and right.)
    """

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None:
            height = layout.heightForWidth(self.width())
            if height != self.minimumHeight():
                self.setMinimumHeight(height)


class StartChecklist(QFrame):
    """"Getting started": the first steps of a new office, each with a way there, until
    they are all done (or the user hides it)."""

    sig_go = Signal(str)
    """Open this page."""
    sig_hide = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_checklist")
        self.setProperty("card", True)
        self.box = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel("")
        self.heading.setFont(theme.title_font(0))
        top.addWidget(self.heading, 1)
        hide = QPushButton(_("Hide"))
        hide.setFlat(True)
        hide.clicked.connect(self.sig_hide.emit)
        top.addWidget(hide)
        self.box.addLayout(top)
        self.rows = QGridLayout()
        self.rows.setColumnStretch(1, 1)
        self.box.addLayout(self.rows)
        self.steps: list[onboarding.StartStep] = []

    def show_steps(self, steps: list[onboarding.StartStep]) -> None:
        """One row per step: done or not, what and why, and a button to do it."""
        self.steps = steps
        while self.rows.count():
            widget = self.rows.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        done = sum(s.done for s in steps)
        self.heading.setText(_("Getting started: {done} of {total} done").format(
            done=done, total=len(steps)))
        for row, step in enumerate(steps):
            mark = QLabel()
            mark.setPixmap(theme.icon("mdi6.check-circle" if step.done else
                                      "mdi6.checkbox-blank-circle-outline",
                                      theme.GOOD_COLOR.name() if step.done else None
                                      ).pixmap(20, 20))
            text = QLabel(f"<b>{step.title}</b><br><span style='color:#6B7280'>"
                          f"{step.hint}</span>")
            text.setWordWrap(True)
            self.rows.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(text, row, 1)
            if not step.done:
                go = QPushButton(_("Open"))
                go.setObjectName(f"start_{step.key}")
                go.clicked.connect(lambda _c=False, p=step.page: self.sig_go.emit(p))
                self.rows.addWidget(go, row, 2, Qt.AlignmentFlag.AlignTop)


class DashboardPage(Page):
    """Metric cards, charts and the Today column."""

    key = "dashboard"
    watches = frozenset({"clients", "deals", "activities", "documents", "tasks",
                         "deliveries", "targets", "spend", "users", "company"})
    icon_name = "mdi6.view-dashboard-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Dashboard")
        super().__init__(ctx, window)
        self.today = clock.today()
        header = PageHeader(self.title)
        self.period = QComboBox()
        self.period.setObjectName("period")
        for text, value in period_choices(self.today):
            self.period.addItem(text, value)
        self.period.setCurrentIndex(default_choice(self.today))
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from, self.date_to = DateEdit(allow_empty=False), DateEdit(allow_empty=False)
        for edit in (self.date_from, self.date_to):
            edit.hide()
            edit.dateChanged.connect(lambda *_a: self.refresh())
        header.add_filter(QLabel(_("Period:")))
        header.add_filter(self.period)
        header.add_filter(self.date_from)
        header.add_filter(self.date_to)
        self.compared = QLabel("")
        self.compared.setObjectName("compared")
        self.compared.setProperty("role", "muted")
        header.add_filter(self.compared)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        if ctx.role in ("head", "manager"):
            header.add_filter(QLabel(_("Who:")))
            header.add_filter(self.scope)
            self.scope.addItem(_("Whole department") if ctx.is_head else _("My team"), None)
            for user in ctx.lookups.users:
                if user.active:
                    self.scope.addItem(user.name, user.login)
            self.scope.currentIndexChanged.connect(lambda *_a: self.refresh())
        self.layout_.addWidget(header)
        # While the figures load: a moving bar and what is being worked out, and the old
        # figures greyed out, so that last month's numbers are not read as this year's.
        self.loading = QWidget()
        self.loading.setObjectName("loading")
        loading_row = QHBoxLayout(self.loading)
        loading_row.setContentsMargins(0, 0, 0, 0)
        self.loading_bar = QProgressBar()
        self.loading_bar.setRange(0, 0)  # busy: how long depends on the data
        self.loading_bar.setTextVisible(False)
        self.loading_bar.setFixedSize(160, 6)
        self.loading_text = QLabel("")
        self.loading_text.setProperty("role", "muted")
        loading_row.addWidget(self.loading_bar)
        loading_row.addWidget(self.loading_text)
        loading_row.addStretch(1)
        self.loading.hide()
        self.layout_.addWidget(self.loading)
        self._loads = 0
        body = QHBoxLayout()
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.main = QVBoxLayout(inner)
        self.main.setContentsMargins(0, 0, theme.SPACING, 0)
        cards_holder = WrappingHolder()
        self.cards_layout = FlowLayout(cards_holder)
        self.cards: dict[str, MetricCard] = {}
        for key, _good in CARDS:
            if key == "cac" and not ctx.is_head:
                continue
            card = MetricCard(BY_KEY[key].label_in(get_language()))
            card.setObjectName(f"card_{key}")
            card.setToolTip(help_text(key, get_language()))
            card.sig_clicked.connect(lambda k=key: self._card_clicked(k))
            self.cards[key] = card
            self.cards_layout.addWidget(card)
        self.start = StartChecklist(self)
        self.start.sig_go.connect(self._go)
        self.start.sig_hide.connect(self._hide_start)
        self.start.hide()
        self.main.addWidget(self.start)
        self.main.addWidget(cards_holder)
        self.charts_grid = QGridLayout()
        self.charts_grid.setSpacing(theme.SPACING * 2)
        self.main.addLayout(self.charts_grid)
        # Below the charts (the first of them stays in view): the team's ranking and the
        # marketing budget, for managers and the head.
        self.team_panels = self._team_panels()
        self.main.addWidget(self.team_panels)
        self.team_panels.hide()
        self.main.addStretch(1)
        scroll.setWidget(inner)
        self.inner = inner
        body.addWidget(scroll, 1)
        body.addWidget(self._today_column())
        self.layout_.addLayout(body, 1)
        self.data: DashboardData | None = None
        self.canvases: list[Any] = []
        self._make_canvases()

    # --- the Today column -------------------------------------------------------------------

    def _today_column(self) -> QWidget:
        column = QFrame()
        column.setProperty("card", True)
        column.setFixedWidth(300)
        layout = QVBoxLayout(column)
        title = QLabel(_("Today"))
        title.setFont(theme.title_font(1))
        layout.addWidget(title)
        self.today_list = QListWidget()
        self.today_list.setObjectName("today")
        self.today_list.setWordWrap(True)
        self.today_list.setFrameShape(QFrame.Shape.NoFrame)
        self.today_list.itemActivated.connect(self._today_clicked)
        self.today_list.itemClicked.connect(self._today_clicked)
        layout.addWidget(self.today_list, 1)
        return column

    def _fill_today(self, data: DashboardData) -> None:
        from salesdesk.i18n import format_date

        lst = self.today_list
        lst.clear()
        today = self.today

        def section(text: str, icon: str) -> None:
            item = QListWidgetItem(theme.icon(icon, theme.ACCENT_COLOR.name()), text)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            lst.addItem(item)

        def entry(text: str, kind: str, record_id: Any, late: bool) -> None:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (kind, record_id))
            if late:
                item.setForeground(theme.BAD_COLOR)
            lst.addItem(item)

        groups = [
            ("tasks", _("My tasks"), "mdi6.checkbox-marked-circle-outline",
             data.today["tasks"],
             lambda t: (f"{t.title} — {t.client_name or ''} ({format_date(t.due_date)})",
                        "client" if t.client_id else "work", t.client_id or "work",
                        t.is_overdue(today))),
            ("requests", _("Overdue requests"), "mdi6.message-alert-outline",
             data.today["requests"],
             lambda a: (f"{a.client_name}: {a.note or ''} ({format_date(a.answer_by)})",
                        "client", a.client_id, True)),
            ("deliveries", _("Overdue deliveries"), "mdi6.truck-alert-outline",
             data.today["deliveries"],
             lambda d: (f"{d.client_name}: {d.description} ({format_date(d.due_date)})",
                        "client", d.client_id, True)),
            ("proposals", _("Proposals expiring this week"), "mdi6.timer-sand",
             data.today["proposals"],
             lambda p: (f"{p.number} — {p.client_name} ({format_date(p.valid_until)})",
                        "document", p.id, False)),
            ("invoices", _("Overdue invoices"), "mdi6.cash-clock",
             data.today["invoices"],
             lambda i: (f"{i.number} — {i.client_name}, {format_money(i.due_amount)}",
                        "document", i.id, True)),
        ]
        shown = 0
        for key, title, icon, records, describe in groups:
            if not records:
                continue
            section(f"{title} ({data.today_totals.get(key, len(records))})", icon)
            for record in records[:TODAY_SHOWN]:
                text, kind, record_id, late = describe(record)
                entry(text, kind, record_id, late)
                shown += 1
        if not shown:
            item = QListWidgetItem(_("Nothing due today. Well done!"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            lst.addItem(item)

    def _today_clicked(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target:
            kind, record_id = target
            self.open_record(kind, record_id)

    # --- loading ---------------------------------------------------------------------------

    def current_period(self) -> Period:
        """The period the picker says."""
        value = self.period.currentData()
        if value is None:
            start, end = self.date_from.value(), self.date_to.value()
            if start and end and start <= end:
                return Period(start, end)
            return Period.month(self.today.year, self.today.month)
        return value  # type: ignore[no-any-return]

    def _period_changed(self) -> None:
        custom = self.period.currentData() is None
        for edit in (self.date_from, self.date_to):
            edit.setVisible(custom)
        if custom:
            month = Period.month(self.today.year, self.today.month)
            self.date_from.set_value(month.start)
            self.date_to.set_value(month.end)
        self.refresh()

    def refresh(self) -> None:
        period = self.current_period()
        self._loads += 1
        number = self._loads
        shown, _before = shown_periods(period, self.today)
        self.loading_text.setText(_("Working out the figures for {period}…").format(
            period=charts.period_label(shown.start, shown.end, get_language())))
        self.loading.show()
        self.inner.setEnabled(False)

        def arrived(data: DashboardData) -> None:
            if number == self._loads:  # an answer to an older question is dropped
                self._loaded()
                self.show_data(data)

        def failed(exc: BaseException) -> None:
            if number == self._loads:
                self._loaded()
            from ..errors import show_error

            show_error(self, exc)

        Op(self, load, self.ctx.db, self.ctx.actor, period, self.scope.currentData(),
           self.today, busy=False).success(arrived).failure(failed).run()

    def _loaded(self) -> None:
        self.loading.hide()
        self.inner.setEnabled(True)

    @property
    def is_loading(self) -> bool:
        """Figures asked for have not arrived yet (the loading bar is up)."""
        return not self.loading.isHidden()

    def show_data(self, data: DashboardData) -> None:
        """Fill cards, charts and the Today column."""
        self.data = data
        self.compared.setText(comparison_text(data.current.period, data.previous.period))
        now = {**data.current.values, **data.duties[0]}
        before = {**data.previous.values, **data.duties[1]}
        for key, good_up in CARDS:
            card = self.cards.get(key)
            if card is None:
                continue
            plan_pct = None
            extra = None
            if key == "sales_volume" and now["plan"]:
                plan_pct = float(now["plan_attainment_pct"] or 0)
                extra = _("{pct} of plan").format(pct=format_percent(
                    now["plan_attainment_pct"]))
            if key == "retention_pct":
                extra = _("churn {pct}").format(pct=format_percent(now["churn_pct"]))
            delta = change_pct(now[key], before[key])
            card.set_value(card_text(key, now[key]), delta, good_up, plan_pct,
                           None if delta is not None else extra)
            if delta is not None and extra:
                card.delta.setText(card.delta.text() + f"<br><span style='color:#6B7280'>"
                                   f"{extra}</span>")
        self._fill_today(data)
        # The team's ranking and the budget: for managers and the head, on their team.
        self.team_panels.setVisible(data.budget is not None)
        if data.budget is not None:
            self._fill_team(data)
        self._draw_charts(data)
        hidden = self.ctx.settings.value("onboarding/hidden", False) in (True, "true")
        self.start.show_steps(data.steps)
        self.start.setVisible(not hidden and not all(s.done for s in data.steps))

    # --- the team's ranking and the budget (managers and the head) -------------------------

    def _team_panels(self) -> QWidget:
        from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QHeaderView, QTableWidget

        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, theme.SPACING, 0, theme.SPACING)
        row.setSpacing(theme.SPACING * 2)

        def table(name: str, headers: list[str]) -> QTableWidget:
            view = QTableWidget(0, len(headers))
            view.setObjectName(name)
            view.setHorizontalHeaderLabels(headers)
            view.verticalHeader().hide()
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            view.setAlternatingRowColors(True)
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(1 if name == "ranking" else 0,
                                        QHeaderView.ResizeMode.Stretch)
            view.setMinimumHeight(300)  # a team of eight without scrolling
            return view

        self.ranking_box = QGroupBox(_("Team ranking"))
        box = QVBoxLayout(self.ranking_box)
        self.ranking_table = table("ranking", ["#", _("Employee"), ""])
        box.addWidget(self.ranking_table)
        self.budget_box = QGroupBox(_("Marketing budget: plan and fact"))
        box = QVBoxLayout(self.budget_box)
        # Short headers: the channel's name takes the room in half the page's width.
        self.budget_table = table("budget", [_("Channel"), _("Plan"), _("Fact"), "%"])
        box.addWidget(self.budget_table)
        row.addWidget(self.ranking_box, 1)
        row.addWidget(self.budget_box, 1)
        return holder

    def _fill_team(self, data: DashboardData) -> None:
        from PySide6.QtWidgets import QTableWidgetItem

        from salesdesk.i18n import format_money_compact, short_person
        from salesdesk.services.motivation import rank_people

        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        key = self.ctx.company.ranking_metric
        metric = BY_KEY[key]
        self.ranking_box.setTitle(_("Team ranking · {metric}").format(
            metric=metric.label_in(get_language())))
        self.ranking_table.setHorizontalHeaderItem(2, QTableWidgetItem(
            metric.label_in(get_language())))
        ranked = rank_people(list(data.people), key)
        self.ranking_table.setRowCount(len(ranked))
        for r, person in enumerate(ranked):
            cells = [str(person.rank) if person.rank else "—", short_person(person.name),
                     card_text(key, person.value)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (0, 2):
                    item.setTextAlignment(right)
                if c == 1:
                    item.setToolTip(person.name)
                self.ranking_table.setItem(r, c, item)
        self.budget_box.setVisible(data.budget is not None)
        rows = data.budget or []
        self.budget_table.setRowCount(len(rows))
        for r, line in enumerate(rows):
            cells = [line.channel or _("Total"), format_money_compact(line.planned),
                     format_money_compact(line.spent), format_percent(line.used_pct)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(right)
                if line.used_pct is not None and line.used_pct > 100 and c == 3:
                    item.setForeground(theme.BAD_COLOR)
                if not line.channel:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.budget_table.setItem(r, c, item)

    def _go(self, page: str) -> None:
        if self.window_ is not None:
            self.window_.show_page(page)

    def _hide_start(self) -> None:
        self.ctx.settings.setValue("onboarding/hidden", True)
        self.start.hide()

    def _make_canvases(self) -> None:
        """One canvas per chart slot, made once: refreshing swaps the figures, so the
        layout never changes and only the charts in view are drawn."""
        from matplotlib.figure import Figure

        from ..chart_canvas import ChartCanvas

        self.slots = ["sales", "funnel", "trend", "customers"]
        if self.ctx.can_manage:
            self.slots += ["plan", "channels"]
        self.slots += ["lost", "time"]
        for slot in self.slots:
            canvas = ChartCanvas(Figure(figsize=charts.SIZES["dashboard"][0]))
            canvas.setFixedHeight(300)
            canvas.setMinimumWidth(360)
            canvas.setObjectName(f"chart_{slot}")
            if slot == "sales":
                canvas.setToolTip(_("Click a month to see its won deals"))
            self.canvases.append(canvas)
        self.chart_columns = 0
        self._reflow()

    CHART_WIDTH = 520
    """The narrowest a chart is drawn at: titles, axes and legends were laid out for it."""

    def _reflow(self) -> None:
        """Two charts side by side where they fit at full size, else one under another
        (a 1366-pixel window beside the Today column)."""
        room = self.scroll.viewport().width() - theme.SPACING
        columns = 2 if room >= 2 * self.CHART_WIDTH + theme.SPACING * 2 else 1
        if columns == self.chart_columns:
            return
        self.chart_columns = columns
        for canvas in self.canvases:
            self.charts_grid.removeWidget(canvas)
        for index, canvas in enumerate(self.canvases):
            self.charts_grid.addWidget(canvas, index // columns, index % columns)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.canvases:
            self._reflow()

    def _draw_charts(self, data: DashboardData) -> None:
        lang = get_language()
        period = data.current.period
        sub = charts.period_label(period.start, period.end, lang)
        makers = {
            "sales": lambda: charts.sales_by_month(data.series, lang),
            "funnel": lambda: charts.funnel_chart(data.parts.funnel, lang,
                                                  charts.opened_in(sub, lang)),
            "trend": lambda: charts.conversion_and_check(data.series, lang),
            "customers": lambda: charts.customers_by_month(data.series, lang),
            "plan": lambda: charts.plan_vs_fact(data.people, lang, sub),
            "channels": lambda: charts.channels_chart(data.parts.spend_by_channel,
                                                      data.parts.cac_by_channel, lang, sub),
            "lost": lambda: charts.lost_reasons_chart(data.parts.lost_reasons, lang,
                                                      charts.closed_in(sub, lang)),
            "time": lambda: charts.deal_time_histogram(data.parts.durations, lang, sub),
        }
        for slot, canvas in zip(self.slots, self.canvases, strict=True):
            # Made when scrolled into view; a click on a sales bar lists its deals.
            canvas.show_later(makers[slot],
                              self._sales_clicked if slot == "sales" else None)

    def _sales_clicked(self, event: Any) -> None:
        if self.data is None or event.xdata is None:
            return
        index = round(event.xdata)
        if 0 <= index < len(self.data.series):
            month = self.data.series[index].month
            self.show_won_deals(Period.month(month.year, month.month))

    def show_won_deals(self, period: Period) -> None:
        """The deals behind a bar: won in that month, in the scope."""
        from .deals import DealsDialog

        DealsDialog(self, self.ctx, _("Deals won in {month}").format(
            month=charts.month_label(period.start, get_language())),
            stage="won", closed_from=period.start, closed_to=period.end).show()

    def _card_clicked(self, key: str) -> None:
        if key in ("sales_volume", "deals_won", "average_check", "deal_time_days_median"):
            self.show_won_deals(self.current_period())
        elif self.window_ is not None:
            self.window_.show_page("reports")
