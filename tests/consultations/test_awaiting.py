"""Points awaiting a decision (the home page's figure and `/consultations?awaiting=1`): a point with no
decision, or one under review, awaits; a consultation awaits while any of its points does."""

from sqlalchemy import select

from engage.auth.models import User
from engage.consultations.queries import consultation_query
from engage.extensions import db
from tests.factories import make_consultation, make_input, make_person

DECIDED = {"outcome": "declined", "rationale": "Out of scope.", "no_change": True}


def test_a_consultation_awaits_while_any_point_has_no_decision_or_one_under_review(app, users):
    with app.app_context():
        person = make_person()
        undecided = make_consultation("Undecided point", people=[person])
        make_input(undecided, person=person, decision=DECIDED)
        make_input(undecided, person=person)
        reviewing = make_consultation("Point under review", people=[person])
        make_input(reviewing, person=person, decision={"outcome": "under_review"})
        settled = make_consultation("Every point decided", people=[person])
        make_input(settled, person=person, decision=DECIDED)
        make_input(settled, person=person, decision={"outcome": "adopted", "rationale": "Yes."})
        make_consultation("No points yet", people=[person])
        db.session.commit()
        admin = db.session.execute(select(User).where(User.email == users["admin"])).scalar_one()
        found = {c.title for c in db.session.execute(consultation_query(admin, awaiting=True)).scalars()}
        assert found == {"Undecided point", "Point under review"}
