"""The stored keys the duplicates page groups by (people.name_key, person_emails.email_key) stay in
step with the name and the addresses through every write: the person form, an edit, an import,
a merge and an erasure."""

from sqlalchemy import select

from engage.audit.services import Actor
from engage.extensions import db
from engage.people import merge, privacy
from engage.people.models import Person, PersonEmail, name_key
from engage.people.services import PersonData, create_person, update_person
from engage.transfer import imports
from tests.factories import make_affiliation, make_organisation, make_person, make_user


def _keys(person_id: int) -> tuple[str, list[str]]:
    person = db.session.get(Person, person_id)
    emails = db.session.execute(
        select(PersonEmail.email_key).where(PersonEmail.person_id == person_id).order_by(PersonEmail.position)
    ).scalars()
    return person.name_key, list(emails)


def test_keys_follow_the_form_an_edit_a_merge_and_an_erasure(app):
    with app.app_context():
        actor = Actor(make_user("admin"))
        person = create_person(actor, PersonData(name="José  Pérez-Ruiz", email="Jose.Perez@Example.org"))
        db.session.commit()
        assert _keys(person.id) == ("jose perez ruiz", ["jose.perez@example.org"])
        data = PersonData(name="Pérez, María José", email="MJ@Example.org", other_emails="Jose.Perez@Example.org")
        update_person(actor, person, person.version, data)
        db.session.commit()
        assert _keys(person.id) == ("jose maria perez", ["mj@example.org", "jose.perez@example.org"])

        other = make_person("Maria Jose Perez", email="mj@EXAMPLE.org")
        db.session.commit()
        pairs, _ = merge.duplicate_pairs()
        assert [(p.first.id, p.second.id) for p in pairs] == [(person.id, other.id)]
        survivor = merge.merge_people(
            actor, other, person, (other.version, person.version), {"name": "other"}, may_see_lived=False
        )
        db.session.commit()
        assert _keys(survivor.id) == ("jose maria perez", ["mj@example.org", "jose.perez@example.org"])

        privacy.erase_person(actor, survivor, "Asked to be forgotten")
        db.session.commit()
        key, emails = _keys(survivor.id)
        assert key == name_key(privacy.pseudonym(survivor.id)) and emails == []
        assert merge.duplicate_pairs() == ([], 0)


def test_imported_people_carry_their_keys_and_are_paired_on_the_duplicates_page(app):
    with app.app_context():
        user = make_user("editor")
        make_affiliation(make_person("Zoë Ångström", email="zoe@example.org"), make_organisation("Beat"))
        db.session.commit()
        csv = (
            b"Name,Email,Organisation\n"
            b'"ANGSTROM, Zoe",z.angstrom@example.org,Beat\n'
            b"Someone Else,ZOE@Example.ORG,Elsewhere\n"
        )
        plan = imports.check(imports.prepare("people", csv, "people.csv"), Actor(user))
        imports.choose(plan, {row.number: "create" for row in plan.rows})  # both are likely duplicates
        imports.apply(Actor(user), plan)
        db.session.commit()
        people = {p.name: p.id for p in db.session.execute(select(Person)).scalars()}
        assert _keys(people["ANGSTROM, Zoe"]) == ("angstrom zoe", ["z.angstrom@example.org"])
        assert _keys(people["Someone Else"]) == ("else someone", ["zoe@example.org"])
        pairs, total = merge.duplicate_pairs()
        found = {(p.first.name, p.second.name): p.reasons for p in pairs}
        assert total == 2
        assert found[("Zoë Ångström", "ANGSTROM, Zoe")] == ["Same name at Beat"]
        assert found[("Zoë Ångström", "Someone Else")] == ["Same email: zoe@example.org"]
