"""The shared machinery of the demo seed: the context passed between steps, bulk writes."""

import json
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

import phonenumbers
from sqlalchemy import JSON, insert, text

from engage.demo import names
from engage.extensions import db

CHUNK = 10_000


@dataclass
class Context:
    """What one seeding step hands to the next: the random source, the clock and the ids made so far."""

    rng: random.Random
    people: int
    password: str
    now: datetime
    today: date
    ids: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    topic_slugs: dict[str, int] = field(default_factory=dict)
    person_org: dict[int, int] = field(default_factory=dict)
    person_country: dict[int, str] = field(default_factory=dict)
    helpline_orgs: dict[str, list[int]] = field(default_factory=dict)
    last_person: dict[int, date] = field(default_factory=dict)
    last_org: dict[int, date] = field(default_factory=dict)
    _phones: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self):
        self._regions = [(c, first, last) for c, weight, first, last in names.REGIONS for _ in range(weight)]
        self.country_choices = [c for c, *_ in self._regions]

    def pick_region(self):
        return self.rng.choice(self._regions)

    def phone_for(self, country: str | None) -> str:
        """A valid E.164 number for `country`, from a small pool built once per country."""
        country = country or "GB"
        if country not in self._phones:
            pool = []
            example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE) or (
                phonenumbers.example_number(country)
            )
            digits = str(example.national_number)
            for tail in range(0, 1000, 37):
                candidate = phonenumbers.parse(f"+{example.country_code}{digits[:-3]}{tail:03d}")
                if phonenumbers.is_valid_number(candidate):
                    pool.append(phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164))
            self._phones[country] = pool or [phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)]
        return self.rng.choice(self._phones[country])


SEED_CACHE_KIB = 262_144  # SQLite's page cache while seeding (256 MiB; the default is 2 MiB)


@contextmanager
def large_page_cache():
    """On SQLite, a page cache that holds the indexes being filled: a million points raised go into
    five indexes in random key order, and with the default 2 MiB each insert read pages back from disk.
    The usual size is restored after."""
    if db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = db.session.execute(text("PRAGMA cache_size")).scalar()
    db.session.execute(text(f"PRAGMA cache_size=-{SEED_CACHE_KIB}"))
    try:
        yield
    finally:
        db.session.execute(text(f"PRAGMA cache_size={int(before)}"))


@contextmanager
def indexes_set_aside():
    """On SQLite, the tables' own indexes dropped while the bulk steps fill them and built again after:
    one sorted pass per index instead of a million inserts in random key order into each. The
    primary keys and unique constraints stay (they are not in sqlite_master's CREATE INDEX statements)."""
    if db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    listed = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    found = db.session.execute(text(listed)).all()
    for name, _ in found:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    try:
        yield
    finally:
        for _, sql in found:
            db.session.execute(text(sql))


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert many rows of a model with executemany, in chunks to bound memory."""
    bulk_link(model.__table__, rows)


def bulk_link(table, rows: list[dict]) -> None:
    """Insert many rows into a table: COPY on PostgreSQL, chunked executemany elsewhere."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        _copy(table, rows)
    elif dialect.name == "sqlite":
        _executemany(table, rows, dialect)
    else:
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(table), rows[start : start + CHUNK])


def _executemany(table, rows: list[dict], dialect) -> None:
    """SQLite's executemany on the session's own connection, with each column's values converted by
    its type's own bind processor once per distinct value: SQLAlchemy's per-row parameter handling
    was most of the seed's time (a million points raised, each with two timestamps)."""
    columns = list(rows[0])
    converted = []  # (position, converter) of the columns whose type converts its values
    for position, name in enumerate(columns):
        process = table.c[name].type._cached_bind_processor(dialect)
        if process:
            converted.append((position, _memoised(process)))
    get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))

    def parameters():
        for row in rows:
            values = list(get(row))
            for position, convert in converted:
                values[position] = convert(values[position])
            yield values

    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'  # noqa: S608
    cursor = db.session.connection().connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, parameters() if converted else map(get, rows))
    finally:
        cursor.close()


def _memoised(process):
    seen = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = found = process(value)
            return found
        except TypeError:  # unhashable (a JSON list)
            return process(value)

    return convert


def _copy(table, rows: list[dict]) -> None:
    """PostgreSQL's COPY through psycopg, in the session's own transaction (several times faster)."""
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    quoted = ", ".join(f'"{c}"' for c in columns)
    driver = db.session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in as_json else row[c] for c in columns])


def reset_sequences() -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            name = table.name  # our own table names, never user input
            sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {name}"  # noqa: S608
            db.session.execute(text(sql))
