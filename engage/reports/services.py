"""The reports by name, and their CSV downloads (audited, formula cells neutralised)."""

from collections.abc import Callable
from datetime import date

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.permissions import can_export
from engage.consultations.models import Consultation
from engage.errors import ForbiddenError
from engage.people.models import Person
from engage.reports import queries
from engage.reports.queries import Report
from engage.transfer.exports import csv_line

# name -> (title, one line for the index, the model whose rows it counts: the audit's record type)
REPORTS: dict[str, tuple[str, str, type]] = {
    "consultations-by-topic": (
        "Consultations per topic per quarter",
        "How many consultations were held on each topic in each of the last eight quarters.",
        Consultation,
    ),
    "decision-outcomes": (
        "Decision outcomes per policy over time",
        "What became of the points raised on each policy: adopted, adapted, declined, parked, under review.",
        Consultation,
    ),
    "coverage": (
        "Engagement coverage by region, topic and stakeholder type",
        "Which experts we heard from in the last 12 months, by region, topic and stakeholder type: thin coverage.",
        Consultation,
    ),
    "cooling": (
        "Cooling relationships by owner",
        "The people each owner looks after who have not been contacted for a number of months.",
        Person,
    ),
}


def build(name: str, user, today: date, args: dict) -> Report:
    """The report `name` for `user`, with its filters read from `args` (already validated)."""
    builders: dict[str, Callable[[], Report]] = {
        "consultations-by-topic": lambda: queries.consultations_by_topic(user, today),
        "decision-outcomes": lambda: queries.decision_outcomes(user, today, args.get("policy")),
        "coverage": lambda: queries.coverage(user, today),
        "cooling": lambda: queries.cooling(user, today, args.get("months") or queries.choices.COOLING_DEFAULT),
    }
    return builders[name]()


def report_csv(report: Report) -> bytes:
    """The report's table as CSV (UTF-8 with a BOM, so spreadsheets read accents), every cell that
    a spreadsheet would run as a formula neutralised."""
    return ("\ufeff" + "".join(csv_line(row) for row in report.csv_rows())).encode("utf-8")


def export(actor: Actor, name: str, today: date, args: dict) -> bytes:
    """The report as CSV for `actor`, audited with its filters and row count."""
    if not can_export(actor.user):
        raise ForbiddenError("Your account may not export.")
    report = build(name, actor.user, today, args)
    filters = {k: v for k, v in args.items() if v is not None}
    summary = f"Exported the report “{report.title}” ({len(report.rows):,} rows)"
    audit.record(actor, "export", REPORTS[name][2], None, summary, details={"report": name, "filter": filters})
    return report_csv(report)
