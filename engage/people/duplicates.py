"""Likely duplicates of a person about to be created: the one matcher behind the person form and
every import. Two people are likely the same when they share an email address (in any case), or
when their names are nearly the same (rapidfuzz) and they are at the same organisation now."""

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import func, select

from engage.affiliations.services import current_affiliation_clause, today
from engage.errors import ValidationError
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail, email_key, name_key

# token_sort_ratio of the ASCII, case-folded names: "José García" ~ "Garcia, Jose" ~ "Jose Garcia".
NAME_SIMILARITY = 88
CHUNK = 500


@dataclass
class Candidate:
    """A person not yet written: what the matcher compares."""

    name: str
    emails: list[str] = field(default_factory=list)
    organisation: str = ""


@dataclass(frozen=True)
class Match:
    person_id: int
    name: str
    reason: str
    archived: bool = False


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _people_by_email(addresses: set[str]) -> dict[str, list[tuple[int, str, bool]]]:
    """Existing live people by address key, one indexed IN (...) statement per 500 addresses."""
    found: dict[str, list[tuple[int, str, bool]]] = {}
    base = select(PersonEmail.email_key, Person.id, Person.name, Person.archived).join(Person)
    base = base.where(Person.erased_at.is_(None))
    for chunk in _chunks(sorted(addresses)):
        for address, person_id, name, archived in db.session.execute(base.where(PersonEmail.email_key.in_(chunk))):
            found.setdefault(address, []).append((person_id, name, archived))
    return found


def _people_by_organisation(names: set[str]) -> dict[str, list[tuple[int, str, str, bool]]]:
    """Existing live people currently at each organisation (by lower-cased name), with their stored
    name keys: the index the candidates' names are compared against."""
    found: dict[str, list[tuple[int, str, str, bool]]] = {}
    for chunk in _chunks(sorted(names)):
        rows = db.session.execute(
            select(func.lower(Organisation.name), Person.id, Person.name, Person.name_key, Person.archived)
            .join(Affiliation, Affiliation.organisation_id == Organisation.id)
            .join(Person, Person.id == Affiliation.person_id)
            .where(
                func.lower(Organisation.name).in_(chunk),
                current_affiliation_clause(today()),
                Person.erased_at.is_(None),
            )
        )
        for organisation, person_id, name, key, archived in rows:
            found.setdefault(organisation, []).append((person_id, name, key, archived))
    return found


def _similar_names(candidates: list[Candidate], by_organisation: dict) -> dict[int, list[tuple[str, tuple]]]:
    """{candidate index: [(organisation as typed, (id, name, key, archived)), …]} for the people at the
    candidate's organisation with a similar name: rapidfuzz's process.extract (one call in C per
    candidate) against the stored name keys of the people there."""
    similar: dict[int, list] = {}
    keys: dict[str, list[str]] = {}
    for index, candidate in enumerate(candidates):
        organisation = " ".join(candidate.organisation.split()).lower()
        people = by_organisation.get(organisation)
        if not people:
            continue
        choices = keys.setdefault(organisation, [key for _, _, key, _ in people])
        found = process.extract(
            name_key(candidate.name), choices, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=None
        )
        for _, _, position in sorted(found, key=lambda f: f[2]):
            similar.setdefault(index, []).append((candidate.organisation.strip(), people[position]))
    return similar


def find(candidates: list[Candidate]) -> list[list[Match]]:
    """For each candidate, the existing people it likely duplicates (email matches first), in a
    number of statements that grows with the candidates in chunks of 500, not one per row."""
    addresses = {email_key(e) for c in candidates for e in c.emails if e}
    organisations = {" ".join(c.organisation.split()).lower() for c in candidates if c.organisation.strip()}
    by_email = _people_by_email(addresses) if addresses else {}
    by_organisation = _people_by_organisation(organisations) if organisations else {}
    similar = _similar_names(candidates, by_organisation) if by_organisation else {}
    results = []
    for index, candidate in enumerate(candidates):
        matches: dict[int, Match] = {}
        for address in candidate.emails:
            for person_id, name, archived in by_email.get(email_key(address), ()):
                matches.setdefault(person_id, Match(person_id, name, f"same email {email_key(address)}", archived))
        for organisation, (person_id, name, _, archived) in similar.get(index, ()):
            matches.setdefault(person_id, Match(person_id, name, f"similar name at {organisation}", archived))
        results.append(list(matches.values()))
    return results


def find_one(candidate: Candidate) -> list[Match]:
    return find([candidate])[0]


class PossibleDuplicates(ValidationError):
    """Creating this person would likely duplicate `matches`: the form offers them first, and a
    "create anyway" box."""

    def __init__(self, matches: list[Match]):
        self.matches = matches
        names = ", ".join(m.name for m in matches[:3])
        super().__init__(
            {
                "create_anyway": f"This looks like someone already in Engage ({names}). Open their record, "
                "or tick “Create anyway” if this is a different person."
            }
        )
