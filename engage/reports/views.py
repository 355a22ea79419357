"""Reports: a page each (table, chart) and its CSV download, for whoever may read."""

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from engage.ids import id_arg, number_arg
from engage.reports import maps, queries, services
from engage.reports import network as network_map
from engage.web import current_actor

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _args(name: str) -> dict:
    if name == "decision-outcomes":
        return {"policy": id_arg(request.args, "policy")}
    if name == "cooling":
        return {"months": number_arg(request.args, "months", 1, queries.MAX_MONTHS)}
    return {}


def _page(name: str):
    report = services.build(name, current_user, date.today(), _args(name))
    return render_template("reports/report.html", report=report, name=name, args=request.args)


def _csv(name: str) -> Response:
    data = services.export(current_actor(), name, date.today(), _args(name))
    response = Response(data, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("")
def index():
    return render_template("reports/index.html", reports=services.REPORTS, maps=maps.MAPS)


@bp.route("/consultations-by-topic")
def consultations_by_topic():
    return _page("consultations-by-topic")


@bp.route("/consultations-by-topic.csv")
def consultations_by_topic_csv():
    return _csv("consultations-by-topic")


@bp.route("/decision-outcomes")
def decision_outcomes():
    return _page("decision-outcomes")


@bp.route("/decision-outcomes.csv")
def decision_outcomes_csv():
    return _csv("decision-outcomes")


@bp.route("/coverage")
def coverage():
    return _page("coverage")


@bp.route("/coverage.csv")
def coverage_csv():
    return _csv("coverage")


@bp.route("/cooling")
def cooling():
    return _page("cooling")


@bp.route("/cooling.csv")
def cooling_csv():
    return _csv("cooling")


# --- the maps (engage/reports/maps.py and network.py) ----------------------------------------------


@bp.route("/stakeholder-grid")
def stakeholder_grid():
    grid = maps.grid(current_user, request.args.get("topic"), request.args.get("region"))
    return render_template("reports/grid.html", grid=grid, filters=grid.filters, quadrants=maps.QUADRANTS)


@bp.route("/network")
def network():
    graph = network_map.network(current_user, request.args.get("topic"), request.args.get("region"), date.today())
    return render_template(
        "reports/network.html",
        network=graph,
        filters=graph.filters,
        relations=network_map.RELATIONS,
        quota=network_map.QUOTA,
        max_nodes=network_map.MAX_NODES,
        pool=network_map.POOL,
    )
