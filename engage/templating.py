"""What every template may use: navigation, permission checks, formatting filters."""

from datetime import UTC, date, datetime

from flask import Flask, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from engage import validation, web, zones
from engage.auth import permissions
from engage.dateformats import for_reader
from engage.helplines.models import Helpline
from engage.savedviews import services as savedviews
from engage.text import render_markdown

# The page of each kind of record, by table name: (endpoint, id argument). A staff member (user) has
# no page of their own for every reader; their name leads to the people they look after.
RECORD_PAGES = {
    "people": ("people.detail", "person_id"),
    "organisations": ("organizations.detail", "organisation_id"),
    "forums": ("forums.detail", "forum_id"),
    "helplines": ("helplines.detail", "helpline_id"),
    "policies": ("policies.detail", "policy_id"),
    "clauses": ("policies.clause", "clause_id"),
    "consultations": ("consultations.detail", "consultation_id"),
    "engagements": ("engagements.detail", "engagement_id"),
    "attachments": ("documents.show", "attachment_id"),  # a document: its record's page
    "notes": ("documents.show_note", "note_id"),  # a note: its record's page
}


def record_url(record) -> str | None:
    """The page of `record` (a person, organisation, user, forum, policy …), or None if it has none."""
    if record is None or getattr(record, "id", None) is None:
        return None
    table = getattr(record, "__tablename__", "")
    if table == "users":
        return url_for("people.index", owner=record.id)
    if table == "policy_versions":
        return url_for("policies.version", policy_id=record.policy_id, version_id=record.id)
    page = RECORD_PAGES.get(table)
    return url_for(page[0], **{page[1]: record.id}) if page else None


def record_label(record) -> str:
    """What a record is called on a page: its name, title or (a clause) its key."""
    for attribute in ("name", "title", "key", "label"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    return f"#{record.id}"


def link_to(record, text=None, cls: str = "", none: str = "—") -> Markup:
    """`<a href="…">name</a>` for any record with a page; its name alone if none; `none` for None."""
    if record is None:
        return escape(none)
    label = record_label(record) if text is None else text
    href = record_url(record)
    if href is None:
        return escape(label)
    # Markup.format escapes every argument: the name, the address and the class.
    title = "People looked after by this staff member" if record.__tablename__ == "users" else None
    return Markup('<a href="{}"{}{}>{}</a>').format(
        href,
        Markup(' class="{}"').format(cls) if cls else "",
        Markup(' title="{}"').format(title) if title else "",
        label,
    )


# The main navigation, by the jobs people come to do: (label, endpoint, other paths of its section),
# and (label, [items]) for a dropdown. The current section is the item whose path is the longest
# one the page's path starts with (so /engagements/calendar is Calendar, /engagements/3 Engagements).
NAVIGATION = [
    ("People", "people.index", ()),
    ("Organisations", "organizations.index", ()),
    ("Consultations", "consultations.index", ()),
    ("Policies", "policies.index", ("/clauses",)),
    ("Engagements", "engagements.index", ("/documents",)),
    ("Calendar", "engagement_calendar.calendar", ()),
    ("Commitments", "commitments.index", ()),
    (
        "More",
        [
            ("Forums", "forums.index", ()),
            ("Helplines", "helplines.index", ()),
            ("Evidence packs", "briefings.evidence", ()),
            ("Reports", "reports.index", ()),
            ("Stakeholder grid", "reports.stakeholder_grid", ()),
            ("Relationship network", "reports.network", ()),
            ("Import and export", "transfer.import_people", ("/import", "/export")),
            ("Search", "search.index", ()),
        ],
    ),
]


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def navigation(path: str) -> list[dict]:
    """NAVIGATION with addresses, the current section (and the dropdown holding it) marked `active`."""

    def item(label, endpoint, others):
        href = url_for(endpoint)
        return {"label": label, "href": href, "prefixes": (href, *others), "active": False}

    items = [
        {"label": entry[0], "children": [item(*child) for child in entry[1]], "active": False}
        if isinstance(entry[1], list)
        else item(*entry)
        for entry in NAVIGATION
    ]
    leaves = [(leaf, parent) for parent in items for leaf in parent.get("children", [parent])]
    matches = [(len(p), leaf, parent) for leaf, parent in leaves for p in leaf["prefixes"] if _within(path, p)]
    if matches:
        _, leaf, parent = max(matches, key=lambda m: m[0])
        leaf["active"] = parent["active"] = True
    return items


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers():
        def nav():
            return navigation(request.path)

        def url_with(**changes):
            """The current URL with some query arguments changed (for filters and pagination)."""
            args = request.args.to_dict()
            for key, value in changes.items():
                if value is None:
                    args.pop(key, None)
                else:
                    args[key] = value
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        return {
            "nav": nav,
            "url_with": url_with,
            "can_write": permissions.can_write(current_user),
            "can_make_documents": permissions.can_make_documents(current_user),
            "is_admin": permissions.is_admin(current_user),
            "can_download_document": lambda document: permissions.can_download_document(current_user, document),
            "base_url": web.base_url,
            # The saved views of the list being shown (None elsewhere): the filter bar asks, once.
            "saved_views": lambda: savedviews.sidebar(current_user, request.endpoint, request.args),
            "saved_view_href": savedviews.href,
        }

    @app.template_filter("country_name")
    def country_filter(code: str | None, none: str = "—") -> str:
        return validation.country_name(code) if code else none

    @app.template_filter("language_name")
    def language_filter(code: str) -> str:
        return validation.language_name(code)

    @app.template_filter("phone_display")
    def phone_filter(number: str) -> str:
        return validation.display_phone(number)

    @app.template_filter("markdown")
    def markdown_filter(text: str | None):
        return render_markdown(text)

    @app.template_filter("day")
    def day(value: date | datetime | None) -> str:
        """A date as the signed-in reader writes dates (their account setting), on every page and in
        the documents rendered for them."""
        return for_reader(value)

    @app.template_filter("when")
    def when(value: datetime | None, zone: str | None = None) -> str:
        """A moment (stored in UTC) in the reader's own zone, their account setting, or in `zone`."""
        if value is None:
            return "—"
        reader = current_user if has_request_context() else None
        local = zones.to_local(value if value.tzinfo else value.replace(tzinfo=UTC), zone or zones.reader_zone(reader))
        return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"

    @app.template_filter("helpline_contact")
    def helpline_contact(helpline: Helpline) -> str:
        return helpline.contact_text

    @app.template_filter("helpline_href")
    def helpline_href(helpline: Helpline) -> str | None:
        return helpline.contact_href

    app.add_template_filter(zones.in_zone, "in_zone")
    # Globals, not context variables, so that macros imported without context can link too.
    app.add_template_global(link_to, "link_to")
    app.add_template_global(record_url, "record_url")
