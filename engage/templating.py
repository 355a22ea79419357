"""What every template may use: navigation, permission checks, formatting filters."""

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_login import current_user

from engage import validation, web, zones
from engage.auth import permissions
from engage.helplines.models import Helpline
from engage.text import render_markdown

# (label, endpoint) of the main navigation.
NAVIGATION = [
    ("People", "people.index"),
    ("Organisations", "organizations.index"),
    ("Forums", "forums.index"),
    ("Helplines", "helplines.index"),
    ("Policies", "policies.index"),
    ("Consultations", "consultations.index"),
    ("Engagements", "engagements.index"),
    ("Search", "search.index"),
    ("Import", "transfer.import_people"),
]


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers():
        def nav():
            items = []
            for label, endpoint in NAVIGATION:
                href = url_for(endpoint)
                items.append({"label": label, "href": href, "active": request.path.startswith(href)})
            return items

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
            "is_admin": permissions.is_admin(current_user),
            "can_download_document": lambda document: permissions.can_download_document(current_user, document),
            "base_url": web.base_url,
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
        if value is None:
            return "—"
        return f"{value.day} {value:%b %Y}"

    @app.template_filter("when")
    def when(value: datetime | None) -> str:
        if value is None:
            return "—"
        return f"{value.day} {value:%b %Y, %H:%M} UTC"

    @app.template_filter("helpline_contact")
    def helpline_contact(helpline: Helpline) -> str:
        return helpline.contact_text

    @app.template_filter("helpline_href")
    def helpline_href(helpline: Helpline) -> str | None:
        return helpline.contact_href

    app.add_template_filter(zones.in_zone, "in_zone")
