"""Who may do what: the one place that decides.

Every view is checked before it runs (see `check_request`): GET and HEAD need a
signed-in user, other methods need a role that writes, unless the view says
otherwise with one of the decorators below. So a route added later is protected
by default, and the route-walking test proves it.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from engage.auth.models import User

PUBLIC = "public"  # no sign-in: login page, health check, calendar feeds
PERSONAL = "personal"  # any signed-in user, whatever the method (own account, logout)
READ = "read"
WRITE = "write"
ADMIN = "admin"
DOCUMENT = "document"  # making a document from what the reader may see: a read, whatever the method
API = "api"  # the JSON API: no session; engage/api/auth.py lets a personal access token in, by its scope

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def can_read(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.active)


def can_write(user: User | None) -> bool:
    return can_read(user) and user.role in ("admin", "editor")


def is_admin(user: User | None) -> bool:
    return can_read(user) and user.role == "admin"


CHECKS: dict[str, Callable[[User | None], bool]] = {
    PERSONAL: can_read,
    READ: can_read,
    WRITE: can_write,
    ADMIN: is_admin,
    DOCUMENT: lambda user: can_make_documents(user),
}


def access(level: str):
    """Mark a view with the access level it needs (PUBLIC, PERSONAL, READ, WRITE, ADMIN)."""

    def decorate(view):
        view.engage_access = level

        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.engage_access = level
        return wrapper

    return decorate


public = access(PUBLIC)
personal = access(PERSONAL)
admin_only = access(ADMIN)


def required_level(view, method: str) -> str:
    level = getattr(view, "engage_access", None)
    if level in (PUBLIC, PERSONAL, ADMIN, DOCUMENT, API):
        return level
    if level == WRITE:
        return WRITE
    return READ if method in SAFE_METHODS else WRITE


def check_request():
    """before_request hook: sign-in and role check for the matched view."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    level = required_level(view, request.method)
    if level in (PUBLIC, API):  # the API's token check comes next (engage/api/auth.py)
        return None
    if not current_user.is_authenticated:
        if request.method in SAFE_METHODS:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.login"))
    if not CHECKS[level](current_user):
        abort(403)
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.account"))  # a temporary password set by an admin: change it first
    return None


# With a temporary password, only these pages open (the rest lead to the account page).
PASSWORD_CHANGE_ENDPOINTS = {"auth.account", "auth.logout"}


# --- Record-level rules. Query helpers apply them, so every surface sees the same rows. ---


def visible_consultations(user: User | None, scan: bool = False):
    """SQL condition on Consultation: the rows `user` may see.

    normal: every signed-in user; confidential: editors and admins; restricted: admins
    and the consultation's own staff. Staff always see their own consultations.
    """
    from sqlalchemy import exists, false, or_, select, true

    from engage.consultations.models import Consultation, consultation_staff
    from engage.extensions import db

    if not can_read(user):
        return false()
    if is_admin(user):
        return true()
    # The same rule in two shapes, for speed. A correlated EXISTS on the (consultation, user)
    # key suits queries that touch few consultations (a person's timeline, a page of
    # commitments). Queries that `scan` many (lists with counts, per-policy aggregates,
    # search) run faster on PostgreSQL with an IN subquery it hashes once; SQLite builds
    # that list per query, so it keeps EXISTS everywhere.
    if scan and db.session.get_bind().dialect.name == "postgresql":
        own = Consultation.id.in_(
            select(consultation_staff.c.consultation_id).where(consultation_staff.c.user_id == user.id)
        )
    else:
        own = exists().where(
            consultation_staff.c.consultation_id == Consultation.id, consultation_staff.c.user_id == user.id
        )
    if can_write(user):
        return or_(Consultation.confidentiality != "restricted", own)
    return or_(Consultation.confidentiality == "normal", own)


def can_see_lived_experience(user: User | None, person) -> bool:
    """Special-category data: admins and the person's relationship owner only."""
    return can_read(user) and (is_admin(user) or (person.owner_id is not None and person.owner_id == user.id))


def can_download_document(user: User | None, document) -> bool:
    """A stored document: its maker and admins. It holds what its maker could see, nobody else's view."""
    return is_admin(user) or (can_read(user) and document.created_by_id == user.id)


def visible_engagements(user: User | None):
    """SQL condition on Engagement: the rows `user` may see.

    Engagements are not confidential today, so every active signed-in user sees them all;
    lists, calendars, feeds and reminders all filter through this, so a later rule applies
    everywhere at once.
    """
    from sqlalchemy import false, true

    return true() if can_read(user) else false()


def linked_consultation_visible(column, user: User | None):
    """SQL condition for rows that point at a consultation (`column`): none, or one `user` may see.

    A correlated EXISTS, so the database checks only the rows at hand rather than building
    the set of every visible consultation first.
    """
    from sqlalchemy import exists, or_

    from engage.consultations.models import Consultation

    return or_(column.is_(None), exists().where(Consultation.id == column, visible_consultations(user)))


# --- Consultations: the rules beyond who sees which row (consultations/services.py applies them) ---


def visible_to_every_reader():
    """SQL condition on Consultation: the rows every signed-in user may see (the dates shown on people)."""
    from engage.consultations.models import Consultation

    return Consultation.confidentiality == "normal"


def view_is_audited(consultation) -> bool:
    """Opening a restricted consultation leaves an audit event: only its staff and admins can, and each visit counts."""
    return consultation.confidentiality == "restricted"


# --- Accounts (auth, dashboard, search) ---


def locks_self_out(actor: User | None, user: User, role: str, active: bool) -> bool:
    """An admin giving up their own admin role or deactivating themselves: refused, so that
    there is always an admin left who can undo a change."""
    return actor is not None and actor.id == user.id and (role != "admin" or not active)


# --- The directory (people, organisations) ---


def can_record_lived_experience(user: User | None, owner_id: int | None) -> bool:
    """Setting lived experience on a new person: admins, and the user who will be its relationship
    owner (the same people `can_see_lived_experience` lets read it afterwards)."""
    return can_read(user) and (is_admin(user) or (owner_id is not None and owner_id == user.id))


# --- Briefings: generated documents (briefing packs, letters, evidence packs). ---


def documents_listed_for(user: User | None):
    """SQL condition on Document: the same rule as `can_download_document`, for lists of them."""
    from sqlalchemy import false, true

    from engage.briefings.models import Document

    if is_admin(user):
        return true()
    return Document.created_by_id == user.id if can_read(user) else false()


# --- Privacy: consent, merging people, data-subject rights (issue 18) ---


def consent_recorded(person) -> bool:
    """A lawful basis and the date it was recorded: until both are there (and for anyone erased),
    nothing may name the person, whatever scope is ticked (private by default, GDPR Art. 25)."""
    return bool(person.consent_basis and person.consent_on and person.erased_at is None)


def may_name(person, scope: str) -> bool:
    """Whether a document may name `person` for `scope` (a CONSENT_SCOPES key, e.g. consent_regulator)."""
    return consent_recorded(person) and bool(getattr(person, scope))


def may_invite(person) -> bool:
    """Invitations and reminders go to nobody who asked not to be contacted, or was erased."""
    return not person.do_not_contact and person.erased_at is None


def can_merge_people(user: User | None) -> bool:
    """Merging duplicates: editors and admins (it rewrites links, and is audited)."""
    return can_write(user)


def can_handle_data_subject_requests(user: User | None) -> bool:
    """A data-subject export or an erasure: admins only."""
    return is_admin(user)


def can_make_documents(user: User | None) -> bool:
    """Briefing and evidence packs: every active reader, viewers included (legal staff pull packs for
    regulators). A pack holds only what its maker may see, so making one is a read; it is audited."""
    return can_read(user)


makes_documents = access(DOCUMENT)
# --- Relationship owners (i11/auth): who may hand a person to another owner ---


def can_change_owner(user: User | None, person) -> bool:
    """Changing a person's relationship owner: admins and the current owner (a writer); on a new
    person (`person` None), whoever adds it. Nobody else, not even to make themselves the owner,
    since the owner reads the person's lived experience (`can_see_lived_experience`)."""
    if not can_write(user):
        return False
    if is_admin(user) or person is None:
        return True
    return person.owner_id is not None and person.owner_id == user.id


def owner_change_needs_admin(user: User | None, person, new_owner_id: int | None) -> bool:
    """A non-admin handing a person whose lived experience is recorded to another owner: refused, so
    that special-category data reaches a new reader only by an admin's decision. Giving the person
    up (no owner) narrows who reads it and stays allowed."""
    return (
        not is_admin(user)
        and person is not None
        and bool(person.lived_experience)
        and new_owner_id is not None
        and new_owner_id != person.owner_id
    )


# --- Data in and out (imports, exports: engage/transfer) ---


def lived_experience_column(user: User | None):
    """SQL expression for an export's lived-experience column: the text where `user` may see it
    (`can_see_lived_experience`: admins, and the relationship owner), else empty."""
    from sqlalchemy import case, literal

    from engage.people.models import Person

    if is_admin(user):
        return Person.lived_experience
    if not can_read(user):
        return literal("")
    return case((Person.owner_id == user.id, Person.lived_experience), else_=literal(""))


def can_export(user: User | None) -> bool:
    """Exports of the directory lists: every active signed-in user, with the list's own rules."""
    return can_read(user)


# --- Document jobs (issue 10: evidence packs made in the background) ------------------------------


def can_see_job(user: User | None, job) -> bool:
    """A background document job (its progress, its error, its files): whoever asked for it, and admins.
    The files themselves are still checked by `can_download_document` when downloaded."""
    return is_admin(user) or (can_read(user) and job.requested_by_id == user.id)


# --- The JSON API (issue 16): its views are let in by a token, never by the session ---

api_access = access(API)  # a token's user, then the same record-level rules as the pages
api_open = access(PUBLIC)  # the OpenAPI document and its reference page: no records in them
# --- Saved views (issue 14): a private view is a reader's own preference; sharing one is an edit ---


def saved_views_visible(model, user: User | None):
    """SQL condition on SavedView: the reader's own views and the team's shared ones."""
    from sqlalchemy import false, or_

    return or_(model.owner_id == user.id, model.shared.is_(True)) if can_read(user) else false()


def can_share_view(user: User | None) -> bool:
    return can_write(user)


def can_edit_view(user: User | None, view) -> bool:
    """Only its owner renames a view, or shares or unshares it."""
    return can_read(user) and view.owner_id == user.id


def can_delete_view(user: User | None, view) -> bool:
    """Its owner deletes a view; an admin may delete a shared one too."""
    return can_read(user) and (view.owner_id == user.id or (view.shared and is_admin(user)))
