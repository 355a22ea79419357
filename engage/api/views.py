"""The JSON API's reads: a list and a detail for each resource, search, the OpenAPI document and
its reference page. Every query is the web app's, for the token's user (engage/api/resources.py)."""

from datetime import date, datetime

from flask import Response, current_app, json, render_template, request, url_for
from spectree import Response as Responses

from engage.api import resources, schemas
from engage.api.auth import actor, api_blueprint
from engage.api.problems import ApiProblem, problem
from engage.api.spec import document, spec
from engage.audit import services as audit
from engage.auth.permissions import api_access, api_open
from engage.extensions import db
from engage.fulltext import query as fulltext

bp = api_blueprint("api")
EXPORT_SIZED = 100  # a read of more rows than this is audited, with the token's name
ERRORS = {"HTTP_400": schemas.Problem, "HTTP_401": schemas.Problem, "HTTP_429": schemas.Problem}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def send(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body, default=_plain), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wanted_fields(resource: resources.Resource, detail: bool) -> set[str] | None:
    """`fields=a,b`: only those (and the id); an unknown name is a 400 that lists the known ones."""
    text = request.args.get("fields", "").strip()
    if not text:
        return None
    known = {*resource.fields, *(resource.detail_fields if detail else ())}
    asked = {f.strip() for f in text.split(",") if f.strip()}
    if unknown := sorted(asked - known):
        raise ApiProblem(
            400, "Unknown fields.", {"fields": [f"Unknown: {', '.join(unknown)}. Known: {', '.join(sorted(known))}."]}
        )
    return asked | {"id"}


def represent(resource, records: list, detail: bool, only: set[str] | None) -> list[dict]:
    user = actor().user
    computed = resource.extra(user, records) if resource.extra else {}  # noqa: S610 (not Django)
    rows = []
    for record in records:
        row = resources.column_values(resource, record) | computed.get(record.id, {})
        if detail and resource.detail:
            row |= resource.detail(user, record)
        rows.append({k: v for k, v in row.items() if only is None or k in only})
    return rows


def etag(record) -> str:
    return f'"{record.version}"'


def list_view(resource: resources.Resource):
    def view():
        try:
            after = resources.decode_cursor(request.args.get("cursor"))
        except ValueError:
            raise ApiProblem(
                400, "The cursor is not one this API gave.", {"cursor": ["Not a cursor from a next link."]}
            )
        limit = int(request.args.get("limit") or 25)
        only = wanted_fields(resource, False)
        args = request.args.to_dict()
        records, more = resources.page_of(resource, args, actor().user, after, limit)
        links = {"next": None}
        if more:
            keep = {k: v for k, v in args.items() if k != "cursor"}
            links["next"] = url_for(f"api.{resource.name}_list", **keep, cursor=resources.encode_cursor(records[-1].id))
        if len(records) > EXPORT_SIZED:
            audit.record(
                actor(), "api_export", resource.model, None, f"Read {len(records)} {resource.name} through the API"
            )
        return send({"data": represent(resource, records, False, only), "links": links})

    view.__name__ = f"{resource.name}_list"
    view.__doc__ = f"List {resource.name}\n\nFilters as on the {resource.name} list page; keyset-paged by id."
    return view


def detail_view(resource: resources.Resource):
    def view(record_id: int):
        record = resource.fetch(actor().user, record_id)
        if record is None:
            return problem(404)
        only = wanted_fields(resource, True)
        return send(represent(resource, [record], True, only)[0], headers={"ETag": etag(record)})

    view.__name__ = f"{resource.name}_detail"
    view.__doc__ = f"One {resource.noun}\n\nNot found (404) when it does not exist or the token's user may not see it."
    return view


for _name, _resource in resources.RESOURCES.items():
    _list = spec.validate(
        query=schemas.QUERY[_name], resp=Responses(HTTP_200=schemas.LIST[_name], **ERRORS), tags=[_name]
    )(api_access(list_view(_resource)))
    bp.add_url_rule(f"/{_name}", endpoint=f"{_name}_list", view_func=_list, methods=["GET"])
    _detail = spec.validate(
        query=schemas.DetailQuery,
        resp=Responses(HTTP_200=schemas.DETAIL[_name], HTTP_404=schemas.Problem, **ERRORS),
        tags=[_name],
    )(api_access(detail_view(_resource)))
    bp.add_url_rule(f"/{_name}/<id:record_id>", endpoint=f"{_name}_detail", view_func=_detail, methods=["GET"])


@bp.get("/search")
@spec.validate(query=schemas.SearchQuery, resp=Responses(HTTP_200=schemas.SearchResults, **ERRORS), tags=["search"])
@api_access
def search():
    """Search everything the token's user may see (the /search page's index and ranking)."""
    kind = request.args.get("kind") or None
    results = fulltext.search(
        db.session, request.args.get("q", ""), actor().user, [kind] if kind else None, per_page=50
    )
    hits = [{"kind": h.kind, "id": h.record_id, "title": h.title, "meta": h.meta} for h in results.hits]
    return send({"data": hits, "counts": results.counts})


@bp.get("/openapi.json")
@api_open
def openapi():
    return current_app.json.response(document(current_app))


@bp.get("/docs")
@api_open
def docs():
    return render_template("api/docs.html")
