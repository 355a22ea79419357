"""Helpers of the security suite: paths with chosen ids, and the forms every page offers."""

from sqlalchemy import func, select

from engage.extensions import db
from tests.forms import forms_on
from tests.test_routes import GETS, PUBLIC, _path


def build(rule, ids, **overrides) -> str:
    """`rule`'s path with the world's ids, `overrides` replacing some of them (as raw path text)."""
    own = ids.get(rule.endpoint, {})
    marks = {name: 7_777_777_000 + i for i, name in enumerate(overrides)}  # numbers no path holds
    values = {n: marks.get(n, own.get(n, ids.get(n))) for n in rule.arguments}
    path = rule.build(values, append_unknown=False)[1]
    for name, value in overrides.items():
        path = path.replace(str(marks[name]), str(value))
    return path


def offered_forms(client, world, keep=lambda form: True) -> dict:
    """{action: form} of every POST form `keep` accepts, on every page the signed-in user can open."""
    found = {}
    for _, _, rule, level in GETS:
        if level == PUBLIC or rule.rule.endswith((".pdf", ".ics", ".csv", ".vcf")):
            continue
        path = _path(rule, world)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_on(response.get_data(as_text=True)):
            if keep(form):
                found.setdefault(form.action.split("?")[0] or path, form)
    return found


def row_counts() -> dict:
    """{table: rows} of every table (a refusal must leave them all as they were); the tests' task
    queue makes evidence packs before the request that asked for them answers."""
    counts = {
        t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in db.metadata.sorted_tables
    }
    db.session.remove()
    return counts
