from datetime import UTC, date, datetime, timedelta

from engage.consultations.models import Commitment
from engage.extensions import db
from tests.conftest import login
from tests.factories import make_consultation, make_engagement, make_policy, make_user
from tests.sqlcount import statements_for


def _data(app, n=1):
    with app.app_context():
        me = make_user(role="editor", email=f"me{n}@test.example")
        other = make_user(role="editor")
        soon = datetime.now(UTC) + timedelta(days=2)
        for i in range(n):
            make_engagement(
                title=f"Upcoming panel {i}", speakers=[me], starts_at=soon, ends_at=soon + timedelta(hours=1)
            )
            make_policy(code=f"MH-R{n}-{i}", next_review_on=date.today() + timedelta(days=30))
        secret = make_consultation(title="Restricted", confidentiality="restricted", staff=[other])
        normal = make_consultation(title="Normal")
        db.session.add_all(
            [
                Commitment(
                    description="Send the notes",
                    assignee_id=me.id,
                    due_on=date.today() - timedelta(days=1),
                    consultation_id=normal.id,
                    status="open",
                ),
                Commitment(
                    description="Secret promise",
                    assignee_id=me.id,
                    due_on=date.today(),
                    consultation_id=secret.id,
                    status="open",
                ),
                Commitment(
                    description="Loose promise",
                    assignee_id=me.id,
                    due_on=date.today() + timedelta(days=3),
                    status="open",
                ),
            ]
        )
        db.session.commit()
        return me.email


def test_home_shows_engagements_commitments_and_reviews(app, client):
    email = _data(app)
    login(client, email)
    body = client.get("/").get_data(as_text=True)
    assert "Upcoming panel 0" in body and "MH-R1-0" in body
    assert "Send the notes" in body and "overdue" in body and "Loose promise" in body
    assert "Secret promise" not in body  # its consultation is restricted to other staff


def test_home_statement_count_is_constant(app, client):
    email = _data(app, n=2)
    login(client, email)
    small = statements_for(app, client, "/")
    _data(app, n=30)
    assert statements_for(app, client, "/") == small
