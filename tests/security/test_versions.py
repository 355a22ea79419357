"""Every edit of a versioned record refuses a missing, blank or unreadable `version` the same way.

The forms are found as a user finds them: every page the admin can open, every POST form on it
that carries a `version`. Each is sent as filled in, but with its version left out, blank, not a
number and out of range: each answers 409 with the one message, and nothing is written.
"""

from engage.extensions import db
from engage.mixins import Versioned
from tests.conftest import login
from tests.forms import fill
from tests.security.seeded import offered_forms
from tests.test_routes import _fingerprint

MESSAGE = "was sent without the version of the record it edits"
# A decision form opened before the point had a decision carries no version: sent after one was
# recorded, it is refused with the decision's own message (the same 409, nothing written).
DECISION = "Someone else recorded a decision on this point"
BAD = {"missing": None, "blank": "", "text": "abc", "huge": str(2**31), "huger": str(2**63)}


def _versioned_forms(client, world) -> dict:
    """{action: form} of every edit form: a `version` field with a value (a new record's has none)."""
    return offered_forms(client, world, lambda form: any(f.name == "version" and f.value for f in form.fields))


def test_every_versioned_model_is_edited_through_a_version_field():
    """Models with a version column: the ones the suite below must find an edit form for."""
    models = {m.class_.__name__ for m in db.Model.registry.mappers if issubclass(m.class_, Versioned)}
    assert models >= {"Person", "Organisation", "Consultation", "Engagement", "Helpline", "Policy"}


def test_an_edit_without_a_usable_version_is_refused_everywhere(app, client, world):
    token = login(client, "admin@example.org")
    forms = _versioned_forms(client, world)
    prefixes = {action.split("/")[1] for action in forms}
    assert {"people", "organizations", "consultations", "engagements", "helplines", "policies", "forums"} <= prefixes
    assert len(forms) >= 12
    wrong = []
    for action, form, variant in ((a, f, v) for a, f in sorted(forms.items()) for v in BAD):
        data = {**fill(form), "csrf_token": token}
        if BAD[variant] is None:
            data.pop("version")
        else:
            data["version"] = BAD[variant]
        with app.app_context():
            before = _fingerprint()
        response = client.post(action, data=data)
        with app.app_context():
            changed = _fingerprint() != before
        body = response.get_data(as_text=True)
        said = MESSAGE in body or (action.endswith("/decision") and DECISION in body)
        if response.status_code != 409 or not said or changed:
            wrong.append(f"{action} ({variant}): {response.status_code}, message={said}, changed={changed}")
    assert not wrong, "\n".join(wrong)
