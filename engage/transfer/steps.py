"""The import pages' steps, each one service call for its view: upload, choose the mapping,
check the next slice of a large file (so the page shows progress instead of hanging), and
confirm. Between steps the file waits in transfer/uploads.py; what the preview shows of each
checked row is kept in the upload's notes."""

from dataclasses import asdict

from engage import tasks
from engage.audit.services import Actor
from engage.errors import ValidationError
from engage.transfer import imports, mapping, uploads
from engage.transfer.imports import Match, Row

STEP = 5000  # rows checked per request
QUEUE_ABOVE = 5000  # a file with more rows is imported by a worker of the task queue (100,000 take ≈13 s)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
SHOWN_CLEAN = 50  # rows without anything to say, shown on the preview (all others are shown)


def _row_notes(row: Row) -> dict:
    notes = asdict(row)
    notes.pop("clean")
    return notes


def _notes_row(notes: dict) -> Row:
    row = Row(**{k: v for k, v in notes.items() if k != "duplicates"})
    row.errors = [tuple(e) for e in row.errors]
    row.duplicates = [Match(**m) for m in notes["duplicates"]]
    return row


def _plan(meta: dict, data: bytes) -> imports.Plan:
    return imports.prepare(meta["kind"], data, meta["filename"], meta.get("fields"))


def _reset(meta: dict, plan: imports.Plan) -> dict:
    meta.update(
        total=plan.total,
        checked=0,
        rows=[],
        clean_rows=0,
        bad_rows=0,
        encoding=plan.table.encoding,
        source=plan.source,
        table_kind=plan.table.kind,
        headers=plan.table.headers,
        guess=mapping.guess(meta["kind"], plan.table.headers) if plan.needs_mapping else [],
        needs_mapping=plan.needs_mapping,
    )
    return meta


def _advance(actor: Actor, meta: dict, plan: imports.Plan) -> dict:
    start = meta["checked"]
    stop = min(start + STEP, meta["total"])
    imports.check(plan, actor, start, stop)
    for row in plan.rows:
        if row.errors or row.warnings or row.duplicates:
            meta["rows"].append(_row_notes(row))
        elif meta["clean_rows"] < SHOWN_CLEAN:
            meta["rows"].append(_row_notes(row))
            meta["clean_rows"] += 1
        meta["bad_rows"] += bool(row.errors)
    meta["checked"] = stop
    return meta


def upload(actor: Actor, instance: str, kind: str, filename: str, data: bytes | None) -> dict:
    """Keep the file, settle its mapping if it can be, and check its first slice."""
    if not data:
        raise ValidationError({"file": "Choose a file to import."})
    plan = imports.prepare(kind, data, filename)  # refuses what is not a readable file
    token = uploads.save(instance, actor.user.id, kind, filename, data)
    meta = _reset({"user_id": actor.user.id, "kind": kind, "filename": filename, "token": token, "fields": None}, plan)
    if not plan.needs_mapping:
        _advance(actor, meta, plan)
    uploads.write_meta(instance, token, meta)
    return meta


def choose_mapping(actor: Actor, instance: str, kind: str, token: str, fields: list[str]) -> dict:
    """Use the user's column mapping, then check the first slice."""
    data, meta = uploads.load(instance, token, actor.user.id, kind)
    meta["fields"] = fields
    try:
        plan = _plan(meta, data)
    except ValidationError:
        meta["fields"] = None
        raise
    _reset(meta, plan)
    meta["source"] = "chosen"
    _advance(actor, meta, plan)
    uploads.write_meta(instance, token, meta)
    return meta


def progress(actor: Actor, instance: str, kind: str, token: str, advance: bool) -> dict:
    """The upload's notes; with `advance`, after checking its next slice."""
    notes = uploads.load_meta(instance, token, actor.user.id, kind)
    if notes.get("importing"):
        return notes  # a worker's import, with or without its file
    data, meta = uploads.load(instance, token, actor.user.id, kind)
    if advance and not meta["needs_mapping"] and meta["checked"] < meta["total"]:
        _advance(actor, meta, _plan(meta, data))
        uploads.write_meta(instance, token, meta)
    return meta


def rows_of(meta: dict) -> list[Row]:
    return [_notes_row(n) for n in meta.get("rows", [])]


def confirm(actor: Actor, instance: str, kind: str, token: str, actions: dict[int, str]) -> dict:
    """Check the whole file again (the directory may have changed) and import it, all or nothing.
    A large file is handed to a worker instead: the upload's notes then say how far it has got."""
    notes = uploads.load_meta(instance, token, actor.user.id, kind)
    state = notes.get("importing")
    if state and state["status"] in (QUEUED, RUNNING, DONE):  # asked twice (a double click, a second tab)
        return notes
    data, meta = uploads.load(instance, token, actor.user.id, kind)
    if meta["total"] > QUEUE_ABOVE:
        meta["importing"] = {"status": QUEUED, "label": "Waiting to start", "actions": actions}
        uploads.write_meta(instance, token, meta)
        from engage.transfer.tasks import import_upload  # it runs `run_import`, below

        tasks.after_commit(import_upload, kind, token, actor.user.id)
        return meta
    counts = _import(actor, meta, data, actions)
    uploads.discard(instance, token)
    return {**counts, "filename": meta["filename"]}


def _import(actor: Actor, meta: dict, data: bytes, actions: dict, progress=None) -> dict:
    plan = imports.check(_plan(meta, data), actor)
    imports.choose(plan, actions)
    if progress:
        progress(f"Writing {plan.total:,} rows")
    return imports.apply(actor, plan)


def run_import(actor: Actor, instance: str, kind: str, token: str, commit, rollback) -> dict:
    """A worker's import of a queued upload, its progress and outcome kept in the upload's notes
    (the file itself is removed once imported). `commit` ends the import's transaction; on a
    refusal `rollback` undoes it and the notes say why."""
    data, meta = uploads.load(instance, token, actor.user.id, kind)
    state = meta["importing"]
    if state["status"] != QUEUED:
        return meta

    def progress(label: str) -> None:
        state.update(status=RUNNING, label=label)
        uploads.write_meta(instance, token, meta)

    progress(f"Checking all {meta['total']:,} rows again")
    actions = {int(k): v for k, v in state.pop("actions").items()}
    try:
        counts = _import(actor, meta, data, actions, progress)
        commit()
    except ValidationError as error:
        rollback()
        state.update(status=FAILED, label="Nothing was imported", error=" ".join(error.errors.values()))
    except Exception:
        rollback()
        state.update(
            status=FAILED,
            label="Nothing was imported",
            error="The import failed. Try again; if it fails again, tell an admin.",
        )
        raise
    else:
        state.update(status=DONE, label="Imported", result=counts)
        uploads.discard_data(instance, token)
    finally:
        uploads.write_meta(instance, token, meta)
    return meta
