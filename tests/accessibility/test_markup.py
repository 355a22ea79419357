"""What assistive technology is told, checked in the rendered HTML: a refused form's fields say so
and point at their message; the navigation marks the current section, on its sub-pages too."""

import re

import pytest

from tests.conftest import csrf_from


def _tag(html: str, element_id: str) -> str:
    match = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def test_a_refused_field_is_invalid_and_described_by_its_message(client, as_role):
    token = as_role("editor")
    response = client.post("/people/new", data={"csrf_token": token, "name": "", "email": "not an address"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("name", "email"):
        tag = _tag(html, field)
        assert 'aria-invalid="true"' in tag, tag
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"{field}-error" in described
        message = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', html, re.S).group(1)
        assert re.sub(r"<[^>]+>", "", message).strip(), field
    # The summary is announced, and links to each field refused.
    assert re.search(r'aria-live="assertive"[^>]*>\s*<div class="alert alert-danger" role="alert">', html)
    assert 'href="#name"' in html and 'href="#email"' in html


def test_help_text_describes_its_field_before_any_error(client, as_role):
    as_role("editor")
    html = client.get("/people/new").get_data(as_text=True)
    tag = _tag(html, "pronouns")
    assert 'aria-describedby="pronouns-help"' in tag and "aria-invalid" not in tag
    assert 'id="pronouns-help"' in html


def _current(html: str) -> list[str]:
    nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'aria-current="page"[^>]*>(.*?)</a>', nav, re.S)]


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "Engage"),
        ("/people", "People"),
        ("/people/new", "People"),
        ("/engagements", "Engagements"),
        ("/engagements/new", "Engagements"),
        ("/engagements/calendar", "Calendar"),
        ("/commitments", "Commitments"),
        ("/reports", "Reports"),
        ("/reports/coverage", "Reports"),
        ("/reports/stakeholder-grid", "Stakeholder grid"),
        ("/reports/network", "Relationship network"),
        ("/evidence", "Evidence packs"),
        ("/import/people", "Import and export"),
        ("/import/organizations", "Import and export"),
        ("/helplines/crisis", "Helplines"),
        ("/search", "Search"),
    ],
)
def test_the_navigation_marks_the_current_section(client, as_role, path, section):
    as_role("admin")
    response = client.get(path)
    assert response.status_code == 200
    assert _current(response.get_data(as_text=True)) == [section]


def test_the_jobs_are_all_in_the_navigation(client, as_role):
    as_role("viewer")
    html = client.get("/").get_data(as_text=True)
    nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    for href in ("/commitments", "/engagements/calendar", "/evidence", "/import/people", "/reports"):
        assert f'href="{href}"' in nav, href
        assert client.get(href).status_code == 200, href
    assert csrf_from(html)
