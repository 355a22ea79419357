"""Query helpers that services and views share: pagination, LIKE patterns, id and version checks."""

from dataclasses import dataclass
from math import ceil

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, insert, or_, select

from engage.errors import ConflictError
from engage.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int
    capped: bool = False  # the total reached a search's cap: the page says "300+"

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def paginate(stmt: Select, page: int = 1, per_page: int | None = None) -> Page:
    """Run `stmt` for one page plus one COUNT: two statements whatever the data size."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    pages = max(1, ceil(total / per_page))
    page = min(max(1, page), pages)
    items = list(db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars().unique())
    return Page(items=items, page=page, per_page=per_page, total=total)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ taken literally (escape '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- Checks that services share ---


def known_id(model, value, errors: dict, field: str, message: str) -> int | None:
    """`value` as the id of an existing `model` row, None when blank; `message` under `field` when unknown."""
    value = value or None
    if value and db.session.get(model, value) is None:
        errors[field] = message
    return value


MISSING_VERSION = (
    "This form was sent without the version of the record it edits, so saving it could overwrite "
    "someone else's change. Nothing was saved: reload the page and make your change again."
)


def check_version(record, version: int | None, noun: str = "record", message: str | None = None) -> None:
    """Refuse an edit made from a stale copy (optimistic locking): the first save stands. An edit
    without a version (None: missing, blank or not a number) is refused the same way, every time."""
    if version is None:
        raise ConflictError(MISSING_VERSION)
    if version != record.version:
        raise ConflictError(
            message
            or f"Someone else changed this {noun} while you were editing it. "
            "Their change is kept; reload the page to see it, then make yours again."
        )


def text_match(q: str, *columns) -> ColumnElement[bool]:
    """`q` anywhere in any of `columns`, case-insensitively, with % and _ taken literally."""
    pattern = like_pattern(q)
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def first_per_group(model, group_by, order_by, *where) -> Select:
    """SELECT the first row of `model` for each value of `group_by`, in `order_by` order (a ROW_NUMBER
    window), among the rows matching `where`: e.g. each person's newest assessment, in one statement."""
    ranked = (
        select(model.id, func.row_number().over(partition_by=group_by, order_by=order_by).label("rank"))
        .where(*where)
        .subquery()
    )
    return select(model).join(ranked, ranked.c.id == model.id).where(ranked.c.rank == 1)


def insert_rows(table, rows: list[dict]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` as one executemany, with the statement
    compiled once and each column's bind conversion (JSON, dates, flags) applied column by column,
    once per distinct value, instead of once per row and value as a Core insert does (at 100,000
    people that bookkeeping cost more than SQLite's own writing). Python-side column defaults are
    filled in as a Core insert fills them."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    given = list(rows[0])
    defaults = {
        c.name: c.default.arg
        for c in table.columns
        if c.name not in given and c.default is not None and (c.default.is_scalar or c.default.is_callable)
    }
    compiled = insert(table).compile(dialect=dialect, column_keys=given + list(defaults))
    names = list(compiled.positiontup) if compiled.positional else given + list(defaults)
    columns = []
    for name in names:
        if name in defaults:
            arg = defaults[name]
            values = [arg(None) if callable(arg) else arg] * len(rows)
        else:
            values = [row[name] for row in rows]
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(_convert_column(values, process) if process else values)
    batch = list(zip(*columns, strict=True))
    if not compiled.positional:
        batch = [dict(zip(names, values, strict=True)) for values in batch]
    connection.exec_driver_sql(compiled.string, batch)


def _convert_column(values: list, process) -> list:
    """`process` over a column's values, once per distinct value (flags, timestamps and empty lists
    repeat on almost every row); lists are told apart by their items."""
    try:
        done = {value: process(value) for value in set(values)}
        return [done[value] for value in values]
    except TypeError:  # unhashable values (lists, for JSON columns)
        pass
    try:
        keys = [tuple(value) if isinstance(value, list) else value for value in values]
        done = {}
        for key, value in zip(keys, values, strict=True):
            if key not in done:
                done[key] = process(value)
        return [done[key] for key in keys]
    except TypeError:  # nested values: converted one by one
        return [process(value) for value in values]
