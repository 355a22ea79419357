"""Likely duplicates of a person about to be created: the one matcher behind the person form and
every import. Two people are likely the same when they share an email address (in any case), or
when their names are nearly the same (rapidfuzz) and they are at the same organisation now."""

from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz import fuzz
from sqlalchemy import func, select

from engage.affiliations.services import current_affiliation_clause, today
from engage.errors import ValidationError
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail

# token_sort_ratio of the ASCII, case-folded names: "José García" ~ "Garcia, Jose" ~ "Jose Garcia".
NAME_SIMILARITY = 88
# Past this many addresses, one pass over the email table beats IN lists.
SCAN_ABOVE = 2000
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


def name_key(name: str) -> str:
    return " ".join(sorted(anyascii(name or "").replace(",", " ").casefold().split()))


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _people_by_email(addresses: set[str]) -> dict[str, list[tuple[int, str, bool]]]:
    found: dict[str, list[tuple[int, str, bool]]] = {}
    base = select(func.lower(PersonEmail.email), Person.id, Person.name, Person.archived).join(Person)
    base = base.where(Person.erased_at.is_(None))
    if len(addresses) > SCAN_ABOVE:
        statements = [base]
    else:
        statements = [base.where(func.lower(PersonEmail.email).in_(chunk)) for chunk in _chunks(sorted(addresses))]
    for stmt in statements:
        for address, person_id, name, archived in db.session.execute(stmt):
            if address in addresses:
                found.setdefault(address, []).append((person_id, name, archived))
    return found


def _people_by_organisation(names: set[str]) -> dict[str, list[tuple[int, str, bool]]]:
    found: dict[str, list[tuple[int, str, bool]]] = {}
    for chunk in _chunks(sorted(names)):
        rows = db.session.execute(
            select(func.lower(Organisation.name), Person.id, Person.name, Person.archived)
            .join(Affiliation, Affiliation.organisation_id == Organisation.id)
            .join(Person, Person.id == Affiliation.person_id)
            .where(
                func.lower(Organisation.name).in_(chunk),
                current_affiliation_clause(today()),
                Person.erased_at.is_(None),
            )
        )
        for organisation, person_id, name, archived in rows:
            found.setdefault(organisation, []).append((person_id, name, archived))
    return found


def find(candidates: list[Candidate]) -> list[list[Match]]:
    """For each candidate, the existing people it likely duplicates (email matches first), in a
    number of statements that grows with the candidates in chunks of 500, not one per row."""
    addresses = {e.lower() for c in candidates for e in c.emails if e}
    organisations = {" ".join(c.organisation.split()).lower() for c in candidates if c.organisation.strip()}
    by_email = _people_by_email(addresses) if addresses else {}
    by_organisation = _people_by_organisation(organisations) if organisations else {}
    keys: dict[int, str] = {}
    results = []
    for candidate in candidates:
        matches: dict[int, Match] = {}
        for address in candidate.emails:
            for person_id, name, archived in by_email.get(address.lower(), ()):
                matches.setdefault(person_id, Match(person_id, name, f"same email {address.lower()}", archived))
        organisation = " ".join(candidate.organisation.split()).lower()
        if organisation in by_organisation:
            mine = name_key(candidate.name)
            for person_id, name, archived in by_organisation[organisation]:
                theirs = keys.setdefault(person_id, name_key(name))
                if person_id not in matches and fuzz.token_sort_ratio(mine, theirs) >= NAME_SIMILARITY:
                    reason = f"similar name at {candidate.organisation.strip()}"
                    matches[person_id] = Match(person_id, name, reason, archived)
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
