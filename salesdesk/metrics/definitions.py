"""Every metric's key, label, kind and one-sentence definition (METRICS.md).

The window's tooltips, the report's help and ``salesdesk metrics`` all quote these
texts, so a number and its definition never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesdesk.i18n import N_, Tr


@dataclass(frozen=True)
class MetricDef:
    """A metric: JSON key, short label, kind (count, money, percent, days) and what it
    means in one sentence."""

    key: str
    label: str
    kind: str
    definition: str

    def label_in(self, lang: str) -> str:
        """The label in a language."""
        return Tr(lang)._(self.label)

    def definition_in(self, lang: str) -> str:
        """The definition in a language."""
        return Tr(lang)._(self.definition)


METRICS: tuple[MetricDef, ...] = (
    MetricDef("contacts", N_("Contacts"), "count",
              N_("Activities (calls, meetings, e-mails, messages, presentations, client "
                 "requests) dated in the period and logged by a user in scope.")),
    MetricDef("deals_won", N_("Deals won"), "count",
              N_("Deals in the stage won with a closing date in the period, owned by a user "
                 "in scope.")),
    MetricDef("deals_lost", N_("Deals lost"), "count",
              N_("Deals in the stage lost with a closing date in the period, owned by a user "
                 "in scope.")),
    MetricDef("conversion_pct", N_("Conversion"), "percent",
              N_("The share of successful deals among all client contacts: deals won ÷ "
                 "contacts × 100.")),
    MetricDef("win_rate_pct", N_("Win rate"), "percent",
              N_("Deals won ÷ (deals won + deals lost) × 100.")),
    MetricDef("sales_volume", N_("Sales volume"), "money",
              N_("The sum of the amounts of the deals won in the period.")),
    MetricDef("average_check", N_("Average check"), "money",
              N_("Sales volume ÷ deals won.")),
    MetricDef("deal_time_days_median", N_("Deal time, median"), "days",
              N_("The median number of days from opening to closing of the deals won in the "
                 "period (0 for a same-day deal).")),
    MetricDef("deal_time_days_mean", N_("Deal time, mean"), "days",
              N_("The mean number of days from opening to closing of the deals won in the "
                 "period.")),
    MetricDef("collected", N_("Collected"), "money",
              N_("Payments received in the period against invoices of clients owned by a user "
                 "in scope.")),
    MetricDef("plan", N_("Plan"), "money",
              N_("The monthly sales targets of the users in scope, each prorated by the share "
                 "of its month's days that lie in the period (a whole month counts its whole "
                 "target).")),
    MetricDef("plan_attainment_pct", N_("Plan attainment"), "percent",
              N_("Sales volume ÷ plan × 100.")),
    MetricDef("customers_at_start", N_("Customers at start"), "count",
              N_("Customers active on the day before the period (today, if the period has "
                 "not begun): with a won deal in the activity window ending that day.")),
    MetricDef("customers_retained", N_("Customers retained"), "count",
              N_("Customers active at the start who are still active on the last day of the "
                 "period (today, while the period lasts).")),
    MetricDef("customers_churned", N_("Customers churned"), "count",
              N_("Customers at the start minus customers retained.")),
    MetricDef("customers_new", N_("New customers"), "count",
              N_("Clients whose first won deal ever was closed in the period.")),
    MetricDef("customers_reactivated", N_("Customers reactivated"), "count",
              N_("Clients active on the last day of the period (today, while it lasts) that "
                 "were neither active at the start nor new.")),
    MetricDef("retention_pct", N_("Retention"), "percent",
              N_("Customers retained ÷ customers at start × 100.")),
    MetricDef("churn_pct", N_("Churn"), "percent",
              N_("Customers churned ÷ customers at start × 100 (retention + churn = 100).")),
    MetricDef("marketing_spend", N_("Marketing spend"), "money",
              N_("The sum of marketing spend entries dated in the period (company-wide).")),
    MetricDef("cac", N_("Customer acquisition cost"), "money",
              N_("Marketing spend ÷ new customers of the whole company; not shown for a "
                 "narrower scope.")),
    MetricDef("cac_by_channel", N_("CAC by channel"), "money_map",
              N_("Per channel: its spend in the period ÷ new customers whose source is that "
                 "channel.")),
    MetricDef("pipeline_open_count", N_("Open deals"), "count",
              N_("Deals neither won nor lost, owned by a user in scope, opened on or before "
                 "the last day of the period (as they stand today).")),
    MetricDef("pipeline_open_amount", N_("Open pipeline"), "money",
              N_("The sum of the amounts of those open deals.")),
    MetricDef("forecast_weighted", N_("Weighted forecast"), "money",
              N_("The sum over open deals expected to close in the period of amount × the "
                 "stage's probability.")),
)

DUTIES: tuple[MetricDef, ...] = (
    MetricDef("deliveries_due", N_("Deliveries due"), "count",
              N_("Deliveries with a deadline in the period, owned by a user in scope, whose "
                 "outcome is known: delivered, or past the deadline today.")),
    MetricDef("deliveries_on_time", N_("Delivered on time"), "count",
              N_("Of the deliveries due, those delivered on or before their deadline.")),
    MetricDef("on_time_delivery_pct", N_("On-time delivery"), "percent",
              N_("Delivered on time ÷ deliveries due × 100.")),
    MetricDef("requests_answered", N_("Requests answered"), "count",
              N_("Client requests logged by a user in scope and answered on a day in the "
                 "period (with the moment of the answer kept).")),
    MetricDef("request_answer_hours_median", N_("Answer time, median hours"), "hours",
              N_("The median of the hours from logging a request to its answer, over the "
                 "requests answered in the period.")),
    MetricDef("requests_due", N_("Requests due"), "count",
              N_("Client requests logged by a user in scope whose answer-by day lies in the "
                 "period.")),
    MetricDef("requests_answered_late", N_("Requests answered late"), "count",
              N_("Of the requests due, those answered after their answer-by day, or still "
                 "open past it today.")),
    MetricDef("stage_conversion", N_("Stage conversion"), "percent_map",
              N_("For the deals opened in the period, per stage: of those that reached it, "
                 "the share that went on to the next (an open deal reached its stage, a won "
                 "deal every stage, a lost deal the stage it was lost at).")),
    MetricDef("win_rate_by_competitor", N_("Win rate by competitor"), "percent_map",
              N_("Per competitor: deals won against it ÷ deals won and lost against it × 100, "
                 "of the deals closed in the period.")),
)
"""The metrics of the representatives' duties and the funnel's steps (issue 19); the
command line's ``--json`` carries them after METRICS.md's."""

BY_KEY: dict[str, MetricDef] = {m.key: m for m in (*METRICS, *DUTIES)}

COMMON_RULES = N_(
    "Deleted clients take their deals, activities, documents and payments out of every "
    "figure. A period still running is shown up to today and compared with the same days "
    "of the period before.")
"""What holds for every metric (METRICS.md, "Inputs"), said under each definition."""


def help_text(key: str, lang: str) -> str:
    """A metric's on-screen help: its definition and the rules common to all."""
    rules = Tr(lang)._(COMMON_RULES)
    return BY_KEY[key].definition_in(lang) + "\n\n" + rules

FUNNEL_DEFINITION = N_(
    "Deals opened in the period by the furthest stage they have reached: an open deal has "
    "reached its current stage and every stage before it, a won deal every stage; lost "
    "deals are counted apart. Conversion is the share of deals that went on to the next "
    "stage.")
