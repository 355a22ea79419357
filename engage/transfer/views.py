"""Imports (/import/people, /import/organizations: upload, mapping, preview, confirm) and exports
(/export/people.csv, /export/people.vcf, /export/organizations.csv) of the directory."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from engage.ids import as_id, as_number
from engage.transfer import exports, files, mapping, steps
from engage.transfer.forms import ImportForm
from engage.web import current_actor, is_htmx, submit

bp = Blueprint("transfer", __name__)

KINDS = {
    "people": {"title": "Import people", "list": "people.index", "noun": "people"},
    "organizations": {"title": "Import organisations", "list": "organizations.index", "noun": "organisations"},
}


def _file(form: ImportForm) -> tuple[str, bytes | None]:
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return "", None
    return upload.filename, upload.read(files.MAX_BYTES + 1)


def _actions() -> dict[int, str]:
    rows = ((as_id(k[4:]), v) for k, v in request.form.items() if k.startswith("row-"))
    return {number: v for number, v in rows if number is not None}


def _fields(meta_headers: int) -> list[str]:
    return [request.form.get(f"map-{i}", "") for i in range(meta_headers)]


def _step(kind: str, form: ImportForm):
    actor, instance, token = current_actor(), current_app.instance_path, form.upload.data or ""
    step = form.step.data or "upload"
    if step == "confirm":
        return steps.confirm(actor, instance, kind, token, _actions())
    if step == "mapping":
        count = as_number(request.form.get("columns", "0")) or 0
        return steps.choose_mapping(actor, instance, kind, token, _fields(min(count, 500)))
    name, data = _file(form)
    return steps.upload(actor, instance, kind, name, data)


def _page(kind: str, form: ImportForm, meta: dict | None, status: int = 200):
    importing = (meta or {}).get("importing")
    if meta is not None:
        form.upload.data = meta["token"]
        if is_htmx() and (importing or {}).get("status") in (steps.QUEUED, steps.RUNNING):
            return render_template("transfer/_importing.html", meta=meta, state=importing)
        if is_htmx() and meta["checked"] >= meta["total"]:  # all checked, or imported: the whole page
            return "", 200, {"HX-Redirect": url_for(request.endpoint, upload=meta["token"])}
    template = "transfer/_progress.html" if is_htmx() else "transfer/import.html"
    return (
        render_template(
            template,
            kind=kind,
            page=KINDS[kind],
            form=form,
            meta=meta,
            rows=steps.rows_of(meta) if meta else [],
            fields=mapping.FIELDS[kind],
            max_mb=files.MAX_BYTES // 1_000_000,
        ),
        status,
    )


def _import(kind: str):
    form = ImportForm()
    if request.method == "GET" and request.args.get("upload"):
        meta = steps.progress(current_actor(), current_app.instance_path, kind, request.args["upload"], is_htmx())
        return _page(kind, form, meta)
    outcome = submit(form, lambda: _step(kind, form))
    if not outcome.ok:
        too_big = any("larger than" in e for e in form.file.errors)
        meta = None
        if form.upload.data and form.step.data in ("mapping", "confirm"):
            meta = steps.progress(current_actor(), current_app.instance_path, kind, form.upload.data, False)
        return _page(kind, form, meta, 413 if too_big else outcome.status)
    result = outcome.value
    if "token" in result:  # checked (or waiting for its mapping): the preview
        return _page(kind, form, result)
    flash(
        f"Imported {result['filename']}: {result['create']:,} created, {result['update']:,} updated, "
        f"{result['skip']:,} skipped.",
        "success",
    )
    return redirect(url_for(KINDS[kind]["list"]))


@bp.route("/import/people", methods=["GET", "POST"])
def import_people():
    return _import("people")


@bp.route("/import/organizations", methods=["GET", "POST"])
def import_organizations():
    return _import("organizations")


def _download(lines, name: str, mimetype: str) -> Response:
    """Stream `lines` (already audited) in an app context of their own: the request's has ended by
    the time the server sends the rows, and a response never read leaves no context behind."""
    app = current_app._get_current_object()

    def body():
        yield ""  # a server or test client may take the first chunk and never read on: take no context for it
        with app.app_context():
            yield from lines

    response = Response(body(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/export/people.csv")
def people_csv():
    lines = exports.people_csv(current_actor(), request.args.to_dict())
    return _download(lines, "people.csv", "text/csv; charset=utf-8")


@bp.route("/export/people.vcf")
def people_vcf():
    version = "3.0" if request.args.get("version") == "3.0" else "4.0"
    args = {k: v for k, v in request.args.to_dict().items() if k != "version"}
    return _download(exports.people_vcf(current_actor(), args, version), "people.vcf", "text/vcard; charset=utf-8")


@bp.route("/export/organizations.csv")
def organizations_csv():
    lines = exports.organisations_csv(current_actor(), request.args.to_dict())
    return _download(lines, "organisations.csv", "text/csv; charset=utf-8")
