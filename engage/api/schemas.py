"""Pydantic models of what the API sends and takes, built from the SQLAlchemy columns, so the
OpenAPI document (spectree, OpenAPI 3.1: pydantic writes JSON Schema 2020-12) follows the schema."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import JSON

from engage.api.resources import RESOURCES, Resource


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` maps a field to its messages (as the web form shows them)."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, list[str]] | None = None


class Links(BaseModel):
    next: str | None = None


def _python_type(column) -> Any:
    if isinstance(column.type, JSON):
        return Any
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return Any
    return {datetime: datetime, date: date, bool: bool, int: int, str: str}.get(kind, Any)


def _record_model(resource: Resource, detail: bool) -> type[BaseModel]:
    fields = {
        c.name: (_python_type(c) | None, None) for c in resource.model.__table__.columns if c.name in resource.fields
    }
    fields |= {name: (kind | None, None) for name, kind in resource.extra_fields.items()}
    if detail:
        fields |= {name: (kind | None, None) for name, kind in resource.detail_fields.items()}
    name = resource.noun.title().replace(" ", "") + ("Detail" if detail else "")
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _query_model(resource: Resource) -> type[BaseModel]:
    fields = {
        "cursor": (str | None, Field(None, description="The `next` link's cursor, to read on")),
        "limit": (int, Field(25, ge=1, le=200, description="Rows per page (1–200)")),
        "fields": (str | None, Field(None, description="Comma-separated fields to send (sparse fieldsets)")),
    }
    fields |= {name: (str | None, None) for name in resource.filters if name not in fields}
    return create_model(f"{resource.noun.title()}Query", **fields)


RECORD = {name: _record_model(r, False) for name, r in RESOURCES.items()}
DETAIL = {name: _record_model(r, True) for name, r in RESOURCES.items()}
QUERY = {name: _query_model(r) for name, r in RESOURCES.items()}
LIST = {
    name: create_model(f"{r.noun.title()}List", data=(list[RECORD[name]], ...), links=(Links, ...))
    for name, r in RESOURCES.items()
}


class SearchQuery(BaseModel):
    q: str = Field("", max_length=200)
    kind: str | None = None


class SearchHit(BaseModel):
    kind: str
    id: int
    title: str
    meta: str


class SearchResults(BaseModel):
    data: list[SearchHit]
    counts: dict[str, int]


class DetailQuery(BaseModel):
    fields: str | None = Field(None, description="Comma-separated fields to send (sparse fieldsets)")


class DecisionOut(BaseModel):
    """The decision on a point raised; its `version` is the ETag to send as If-Match to change it."""

    id: int
    version: int
    outcome: str
    rationale: str | None = None
    decided_on: date | None = None
    decided_by_id: int | None = None
    policy_version_id: int | None = None
    clause_id: int | None = None
    no_change: bool | None = None


class PointOut(BaseModel):
    """A point raised in a consultation, with its decision; `version` is its ETag."""

    id: int
    version: int
    consultation_id: int
    text: str
    person_id: int | None = None
    organisation_id: int | None = None
    topic_id: int | None = None
    clause_id: int | None = None
    decision: DecisionOut | None = None
