"""SQLite specifics: connection pragmas, and case-insensitive matching that knows non-ASCII letters.

SQLite's LIKE (and its lower()) fold ASCII letters only, so "ångström" would not find
"Ångström". Replacing lower() with Python's made every ILIKE call back into Python for
each row (a search over 400,000 rows took most of a second). Instead ILIKE compiles to
the native LIKE, which is already case-insensitive for ASCII, and falls back to a
Python-folded comparison only when the pattern itself has a non-ASCII character.
PostgreSQL's ILIKE needs none of this.
"""

from sqlalchemy import event, func
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine
from sqlalchemy.sql import operators

NON_ASCII = "'*[^ -~]*'"  # GLOB: any character outside printable ASCII


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def _pragmas(dbapi_connection, connection_record):
    # WAL lets readers and a writer work at once; the busy timeout waits instead of failing.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_function("engage_casefold", 1, _casefold, deterministic=True)


def _ilike(self, binary, operator, **kw):
    negate = operator is operators.not_ilike_op
    plain = binary._clone()
    native = self.visit_like_op_binary(plain, operators.like_op, **kw)
    folded = binary._clone()
    folded.left = func.engage_casefold(binary.left)
    folded.right = func.engage_casefold(binary.right)
    unicode = self.visit_like_op_binary(folded, operators.like_op, **kw)
    pattern = self.process(binary.right, **kw)
    expression = f"({native} OR ({pattern} GLOB {NON_ASCII} AND {unicode}))"
    return f"NOT {expression}" if negate else expression


def install() -> None:
    """Register the pragmas for every SQLite connection and the ILIKE compilation (idempotent)."""
    if not event.contains(Engine, "connect", _pragmas):
        event.listen(Engine, "connect", _pragmas)
    SQLiteCompiler.visit_ilike_op_binary = _ilike
    SQLiteCompiler.visit_not_ilike_op_binary = _ilike
