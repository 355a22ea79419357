"""The helpline directory: validation, saving, archiving, verification and the crisis lookup."""

import re
from dataclasses import dataclass, field
from datetime import date

import pycountry
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.fulltext.query import list_filter
from engage.helplines.models import CHANNELS, PHONE_CHANNELS, STALE_AFTER, Helpline
from engage.ids import id_arg
from engage.organizations.models import Organisation
from engage.queries import check_version
from engage.topics.models import Topic
from engage.topics.services import topics_by_ids
from engage.validation import Invalid, countries, country_name, normalise_country, normalise_phone, normalise_url

SHORT_CODE = re.compile(r"^\d{3,6}$")  # 116123, 988, 85258: dialled as they are
INTERNATIONAL = "INT"  # the filter value for helplines with no country
# Crisis staff read phone lines first, then text, chat and web.
CHANNEL_ORDER = {"phone": 0, "text": 1, "chat": 2, "web": 3}


# --- Reading ----------------------------------------------------------------------------------


def stale_before(today: date) -> date:
    """A helpline last verified on or before this day is stale (never verified is stale too)."""
    return today - STALE_AFTER


def stale_condition(today: date):
    return or_(Helpline.last_verified_on.is_(None), Helpline.last_verified_on <= stale_before(today))


SORTS = {
    "country": (Helpline.country.asc().nulls_last(), Helpline.name, Helpline.id),
    "-country": (Helpline.country.desc().nulls_first(), Helpline.name, Helpline.id),
    "name": (Helpline.name, Helpline.id),
    "-name": (Helpline.name.desc(), Helpline.id),
    "verified": (Helpline.last_verified_on.asc().nulls_first(), Helpline.id),
    "-verified": (Helpline.last_verified_on.desc().nulls_last(), Helpline.id),
}


@dataclass
class HelplineFilters:
    q: str = ""
    country: str = ""  # ISO code, INTERNATIONAL, or "" for all
    channel: str = ""
    topic: int | None = None
    stale: bool = False
    archived: bool = False
    sort: str = "country"
    today: date = field(default_factory=date.today)

    @classmethod
    def from_args(cls, args) -> "HelplineFilters":
        """The filters of a list request's query arguments; unknown values are ignored."""
        country = args.get("country", "").strip().upper()
        if country not in countries() and country != INTERNATIONAL:
            country = ""
        return cls(
            q=args.get("q", "").strip(),
            country=country,
            channel=args.get("channel", ""),
            topic=id_arg(args, "topic"),
            stale=args.get("stale") == "1",
            archived=args.get("archived") == "1",
            sort=args.get("sort") if args.get("sort") in SORTS else "country",
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.country or self.channel or self.topic or self.stale)


def list_query(filters: HelplineFilters) -> Select:
    """The helplines matching `filters`, sorted, with what the list shows loaded alongside."""
    stmt = select(Helpline).options(selectinload(Helpline.verified_by))
    if not filters.archived:
        stmt = stmt.where(Helpline.archived.is_(False))
    if filters.q:
        stmt = stmt.where(list_filter("helplines", filters.q, Helpline.id))
    if filters.country == INTERNATIONAL:
        stmt = stmt.where(Helpline.country.is_(None))
    elif filters.country:
        stmt = stmt.where(Helpline.country == filters.country)
    if filters.channel in CHANNELS:
        stmt = stmt.where(Helpline.channel == filters.channel)
    if filters.topic:
        stmt = stmt.where(Helpline.topics.any(Topic.id == filters.topic))
    if filters.stale:
        stmt = stmt.where(stale_condition(filters.today))
    return stmt.order_by(*SORTS.get(filters.sort, SORTS["country"]))


def countries_in_use() -> list[str]:
    """ISO codes of the countries with at least one live helpline."""
    return list(
        db.session.execute(
            select(Helpline.country)
            .where(Helpline.country.is_not(None), Helpline.archived.is_(False))
            .distinct()
            .order_by(Helpline.country)
        ).scalars()
    )


def country_options(selected: str = "") -> list[tuple[str, str]]:
    """The list filter's countries: International, those with live helplines, and the one chosen."""
    codes = countries_in_use()
    if selected and selected != INTERNATIONAL and selected not in codes:
        codes.append(selected)
    return [(INTERNATIONAL, "International"), *((code, country_name(code)) for code in codes)]


def get_helpline(helpline_id: int) -> Helpline:
    """A helpline with what its page shows loaded; NotFoundError when there is none."""
    helpline = db.session.execute(
        select(Helpline)
        .where(Helpline.id == helpline_id)
        .options(
            selectinload(Helpline.verified_by),
            selectinload(Helpline.organisation),
            selectinload(Helpline.topics),
        )
    ).scalar_one_or_none()
    if helpline is None:
        raise NotFoundError()
    return helpline


@dataclass
class CrisisSheet:
    country: str | None
    local: list[Helpline]
    international: list[Helpline]

    @property
    def escalations(self) -> list[Helpline]:
        return [h for h in self.local if h.escalation_name or h.escalation_contact]

    @property
    def international_escalations(self) -> list[Helpline]:
        return [h for h in self.international if h.escalation_name or h.escalation_contact]


def _crisis_order(h: Helpline):
    return (CHANNEL_ORDER.get(h.channel, 9), h.name.lower(), h.id)


def crisis_sheet(country: str | None) -> CrisisSheet:
    """A country's live helplines and the international fallbacks, in one statement (plus loads)."""
    condition = Helpline.country.is_(None)
    if country:
        condition = or_(Helpline.country == country, condition)
    rows = db.session.execute(
        select(Helpline)
        .where(condition, Helpline.archived.is_(False))
        .options(selectinload(Helpline.verified_by), selectinload(Helpline.organisation))
    ).scalars()
    local, international = [], []
    for h in rows:
        (international if h.country is None else local).append(h)
    return CrisisSheet(country, sorted(local, key=_crisis_order), sorted(international, key=_crisis_order))


# --- Validation and writing -------------------------------------------------------------------


def normalise_languages(value: str | list | None) -> list[str]:
    """ISO 639 codes from 'en, cy' or 'English, Welsh' (codes kept as codes)."""
    items = value if isinstance(value, list) else re.split(r"[,;\n]+", value or "")
    codes = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            language = pycountry.languages.lookup(item)
        except LookupError:
            raise Invalid(f"“{item}” is not a language we know; use names or codes such as en, cy, Welsh.")
        code = getattr(language, "alpha_2", None) or language.alpha_3
        if code not in codes:
            codes.append(code)
    return codes


def normalise_contact(channel: str, contact: str, country: str | None) -> str:
    """Phone and text lines: E.164 for the helpline's country, or a 3 to 6 digit short code as is.
    Web and chat: an http(s) address."""
    contact = (contact or "").strip()
    if not contact:
        raise Invalid("Enter the number or address to contact.")
    if channel in PHONE_CHANNELS:
        compact = re.sub(r"[\s\-]", "", contact)
        if SHORT_CODE.match(compact):
            return compact
        return normalise_phone(contact, country)
    return normalise_url(contact)


@dataclass
class HelplineData:
    name: str = ""
    country: str | None = ""
    channel: str = "phone"
    contact: str = ""
    hours: str = ""
    languages: str | list = ""
    ages: str = ""
    organisation_id: int | None = None
    escalation_name: str = ""
    escalation_contact: str = ""
    notes: str = ""
    topic_ids: list = field(default_factory=list)


def _clean(data: HelplineData) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    values["name"] = (data.name or "").strip()
    if not values["name"]:
        errors["name"] = "Enter the helpline's name."
    elif len(values["name"]) > 250:
        errors["name"] = "Keep the name under 250 characters."
    try:
        values["country"] = normalise_country(data.country)
    except Invalid as error:
        errors["country"] = str(error)
        values["country"] = None
    if data.channel not in CHANNELS:
        errors["channel"] = f"Choose one of: {', '.join(CHANNELS.values())}."
    elif "country" not in errors:
        try:
            values["contact"] = normalise_contact(data.channel, data.contact, values["country"])
        except Invalid as error:
            errors["contact"] = str(error)
    values["channel"] = data.channel
    try:
        values["languages"] = normalise_languages(data.languages)
    except Invalid as error:
        errors["languages"] = str(error)
    for key, limit in (("hours", 200), ("ages", 60), ("escalation_name", 200), ("escalation_contact", 300)):
        values[key] = (getattr(data, key) or "").strip()
        if len(values[key]) > limit:
            errors[key] = f"Keep this under {limit} characters."
    values["ages"] = values["ages"] or "All ages"
    values["notes"] = (data.notes or "").strip()
    values["organisation_id"] = None
    if data.organisation_id:
        if db.session.get(Organisation, data.organisation_id) is None:
            errors["organisation"] = "Choose the operating organisation from the list."
        else:
            values["organisation_id"] = data.organisation_id
    try:
        values["topics"] = topics_by_ids(data.topic_ids)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return values


def _summary(h: Helpline) -> str:
    return f"Helpline {h.name} ({h.country or 'International'}, {h.channel})"


def create_helpline(actor: Actor, data: HelplineData) -> Helpline:
    """Add a helpline. It starts unverified (so stale) until someone checks and verifies it."""
    values = _clean(data)
    helpline = Helpline(**values)
    db.session.add(helpline)
    audit.record_change(actor, "create", helpline, _summary(helpline))
    return helpline


def update_helpline(actor: Actor, helpline: Helpline, version: int | None, data: HelplineData) -> Helpline:
    """Change a helpline; a `version` other than the stored one is a ConflictError (first save stands)."""
    check_version(helpline, version, "helpline")
    values = _clean(data)
    for key, value in values.items():
        setattr(helpline, key, value)
    audit.record_change(actor, "update", helpline, _summary(helpline))
    return helpline


def verify_helpline(actor: Actor, helpline: Helpline, today: date | None = None) -> Helpline:
    """Record that `actor` checked the helpline's details today: clears the stale mark."""
    helpline.last_verified_on = today or date.today()
    helpline.verified_by_id = actor.user.id if actor.user else None
    audit.record_change(actor, "verify", helpline, f"Verified: {_summary(helpline)}")
    return helpline


def set_archived(actor: Actor, helpline: Helpline, archived: bool) -> Helpline:
    """Archive (hidden from lists, lookups and briefings) or restore a helpline."""
    if helpline.archived != archived:
        helpline.archived = archived
        audit.record_change(actor, "archive" if archived else "restore", helpline, _summary(helpline))
    return helpline
