"""The maps (issue 14): the stakeholder grid places each person by their current assessment for the
topic, in Mendelow's quadrants; the relationship network links people, organisations and forums, and
a consultation links two people only for a reader who may see it; both filter by topic and region,
refuse bad filters with a message, and run a fixed number of statements whatever the data size."""

import html
import json
import re
from datetime import date, timedelta

import pytest

from engage.extensions import db
from engage.forums.models import ForumMember
from engage.people.models import StakeholderAssessment
from engage.reports import maps
from engage.reports import network as network_map
from tests.conftest import login
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_forum,
    make_organisation,
    make_person,
    make_topic,
    make_user,
)
from tests.sqlcount import statements_for

ROLES = ("viewer", "editor", "staffer", "admin")


def _assess(person, influence, stance, on, topic=None):
    db.session.add(
        StakeholderAssessment(
            person_id=person.id,
            topic_id=topic.id if topic else None,
            influence=influence,
            stance=stance,
            assessed_on=on,
        )
    )


def _quadrants(page: str) -> dict[str, list[str]]:
    """{quadrant key: the names listed in its table}."""
    found = {}
    for key in maps.QUADRANTS:
        section = page.split(f'id="q-{key}-h"', 1)[1].split("</section>", 1)[0]
        found[key] = [
            html.unescape(n) for n in re.findall(r'<th scope="row"[^>]*><a href="/people/\d+">([^<]+)</a>', section)
        ]
    return found


def _graph(page: str) -> dict:
    return json.loads(html.unescape(re.search(r"data-graph='([^']*)'", page).group(1)))


def _pairs(graph: dict, relation: str) -> set[frozenset]:
    names = {n["id"]: n["label"] for n in graph["nodes"]}
    return {frozenset((names[e["source"]], names[e["target"]])) for e in graph["edges"] if e["relation"] == relation}


# --- the world -------------------------------------------------------------------------------------


def _grid_world(app) -> dict:
    with app.app_context():
        eating, gaming = make_topic(name="Eating"), make_topic(name="Gaming")
        users = {role: make_user(role=role if role != "staffer" else "viewer") for role in ROLES}
        ada = make_person(name="Ada Topical", country="GB")
        bo = make_person(name="Bo Overall", country="BR")
        cy = make_person(name="Cy Informed", country="FR")
        di = make_person(name="Di Monitored", country="KE")
        gone = make_person(name="Gil Archived", country="GB", archived=True)
        ed = make_person(name="Ed Elsewhere", country="GB")  # assessed on all topics, tagged with none
        ada.topics.append(gaming)
        bo.topics.extend([eating, gaming])
        org = make_organisation(name="Ada's Institute")
        make_affiliation(ada, org)
        # Ada: low and critical on all topics, earlier; high and supportive on Eating, later.
        _assess(ada, 1, "critical", date(2025, 1, 1))
        _assess(ada, 5, "supportive", date(2025, 3, 1), eating)
        _assess(ada, 2, "neutral", date(2024, 6, 1), eating)  # an older Eating one: history, not current
        _assess(bo, 5, "neutral", date(2025, 2, 1))  # all topics only
        _assess(cy, 2, "supportive", date(2025, 2, 1), eating)
        _assess(di, 3, "unknown", date(2025, 2, 1), eating)
        _assess(di, 5, "supportive", date(2025, 2, 1), gaming)  # Gaming only: not on the Eating grid from this
        _assess(gone, 5, "supportive", date(2025, 2, 1), eating)
        _assess(ed, 5, "supportive", date(2025, 2, 1))
        db.session.commit()
        return {"eating": eating.id, "gaming": gaming.id, "emails": {r: u.email for r, u in users.items()}}


def test_the_grid_places_each_person_by_their_assessment_on_the_topic(app, client):
    world = _grid_world(app)
    login(client, world["emails"]["editor"])
    on_eating = _quadrants(client.get(f"/reports/stakeholder-grid?topic={world['eating']}").get_data(as_text=True))
    assert on_eating == {
        "satisfy": ["Bo Overall"],  # high influence, neutral (the all-topics assessment applies)
        "manage": ["Ada Topical"],  # her Eating assessment, not the all-topics one
        "monitor": ["Di Monitored"],
        "inform": ["Cy Informed"],
    }
    # On Gaming, Ada has only the all-topics assessment: low, critical; Di is a key player there.
    on_gaming = _quadrants(client.get(f"/reports/stakeholder-grid?topic={world['gaming']}").get_data(as_text=True))
    assert on_gaming == {
        "satisfy": ["Bo Overall"],
        "manage": ["Di Monitored"],
        "monitor": ["Ada Topical"],
        "inform": [],
    }
    # The grid's definition is the people list's: a stance filter on the topic lists the same people.
    listed = client.get(f"/people?stance=supportive&stance_topic={world['eating']}").get_data(as_text=True)
    assert "Ada Topical" in listed and "Cy Informed" in listed and "Bo Overall" not in listed
    page = client.get(f"/reports/stakeholder-grid?topic={world['eating']}").get_data(as_text=True)
    assert "Ada&#39;s Institute" in page and "Latin America and the Caribbean" in page  # organisation, region
    assert "Gil Archived" not in page and "Ed Elsewhere" not in page  # archived; not a stakeholder of Eating
    everyone = _quadrants(client.get("/reports/stakeholder-grid").get_data(as_text=True))
    assert everyone["manage"] == ["Ada Topical", "Di Monitored", "Ed Elsewhere"]  # each one's newest assessment


def test_the_grid_counts_each_cell(app, client):
    world = _grid_world(app)
    with app.app_context():
        grid = maps.grid(None, str(world["eating"]), None)
    assert grid.cells == {(5, "supportive"): 1, (5, "neutral"): 1, (2, "supportive"): 1, (3, "unknown"): 1}
    assert {k: q.total for k, q in grid.quadrants.items()} == {"satisfy": 1, "manage": 1, "monitor": 1, "inform": 1}


def test_the_grid_filters_by_region(app, client):
    world = _grid_world(app)
    login(client, world["emails"]["viewer"])
    page = client.get(f"/reports/stakeholder-grid?topic={world['eating']}&region=Europe").get_data(as_text=True)
    assert _quadrants(page) == {"satisfy": [], "manage": ["Ada Topical"], "monitor": [], "inform": ["Cy Informed"]}
    page = client.get("/reports/stakeholder-grid?region=Latin+America+and+the+Caribbean").get_data(as_text=True)
    assert _quadrants(page)["satisfy"] == ["Bo Overall"] and "Ada Topical" not in page


@pytest.mark.parametrize("path", ["/reports/stakeholder-grid", "/reports/network"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("topic=999999", "No topic has the id “999999”"),
        ("topic=abc", "No topic has the id “abc”"),
        ("topic=99999999999999999999999", "No topic has the id"),
        ("topic=-1", "No topic has the id"),
        ("region=Atlantis", "“Atlantis” is not a region"),
        ("region=%3Cscript%3E", "“&lt;script&gt;” is not a region"),
    ],
)
def test_a_bad_filter_is_ignored_and_said(app, client, path, query, message):
    world = _grid_world(app)
    login(client, world["emails"]["editor"])
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_the_grid_lists_at_most_cap_people_a_quadrant_and_links_the_rest(app, client, monkeypatch):
    world = _grid_world(app)
    monkeypatch.setattr(maps, "CAP", 2)
    with app.app_context():
        for i in range(3):
            _assess(make_person(name=f"Key {i}", country="GB"), 4, "supportive", date(2025, 5, 1))
        db.session.commit()
    login(client, world["emails"]["editor"])
    page = client.get("/reports/stakeholder-grid?region=Europe").get_data(as_text=True)
    # Manage closely in Europe, all topics: Ada (her newest is the Eating one, 5), Ed (5), Key 0-2 (4).
    assert _quadrants(page)["manage"] == ["Ada Topical", "Ed Elsewhere"]  # influence 5, then by name
    assert "And 3 more." in page
    assert 'href="/people?stance=supportive&amp;region=Europe"' in page


# --- the network ----------------------------------------------------------------------------------


def _network_world(app) -> dict:
    with app.app_context():
        topic = make_topic(name="Online harms")
        users = {role: make_user(role=role if role != "staffer" else "viewer") for role in ROLES}
        pia, quin, rui, sam = (
            make_person(name="Pia", country="GB"),
            make_person(name="Quin", country="GB"),
            make_person(name="Rui", country="BR"),
            make_person(name="Sam", country="GB"),
        )
        org = make_organisation(name="Harbour Trust", country="GB")
        make_affiliation(pia, org)
        make_affiliation(sam, org, end_on=date.today() - timedelta(days=1))  # ended: no link
        forum = make_forum(name="Safety Council")
        db.session.add(ForumMember(forum_id=forum.id, person_id=quin.id))
        db.session.add(ForumMember(forum_id=forum.id, organisation_id=org.id))
        db.session.add(ForumMember(forum_id=forum.id, person_id=sam.id, term_end=date.today() - timedelta(days=1)))
        make_consultation(people=[pia, quin], topics=[topic])
        make_consultation(people=[pia, quin])  # weight 2 for Pia–Quin
        make_consultation(confidentiality="restricted", staff=[users["staffer"], users["editor"]], people=[pia, sam])
        make_consultation(confidentiality="restricted", staff=[users["staffer"]], people=[quin, rui])
        make_consultation(confidentiality="confidential", people=[rui, sam])
        db.session.commit()
        return {"topic": topic.id, "emails": {r: u.email for r, u in users.items()}, "users": users}


def test_a_restricted_consultation_links_people_only_for_its_staff_and_admins(app):
    world = _network_world(app)
    seen = {}
    for role in ROLES:
        reader = app.test_client()
        login(reader, world["emails"][role])
        page = reader.get("/reports/network").get_data(as_text=True)
        seen[role] = _pairs(_graph(page), "consultation")
        table = page.split("network-table", 1)[1]
        for pair in seen[role]:
            a, b = sorted(pair)
            assert re.search(rf">{a}</a></th>\s*<td>consulted with</td>\s*<td><a [^>]*>{b}<", table), (role, pair)
    pq, ps, qr, rs = (frozenset(p) for p in (("Pia", "Quin"), ("Pia", "Sam"), ("Quin", "Rui"), ("Rui", "Sam")))
    # The editor is on the staff of the Pia–Sam consultation, not of Quin–Rui; the staffer (a viewer) of both.
    assert seen == {
        "viewer": {pq},
        "editor": {pq, ps, rs},
        "staffer": {pq, ps, qr},
        "admin": {pq, ps, qr, rs},
    }


def test_the_network_links_affiliations_forum_seats_and_shared_consultations(app, client):
    world = _network_world(app)
    login(client, world["emails"]["admin"])
    graph = _graph(client.get("/reports/network").get_data(as_text=True))
    assert _pairs(graph, "affiliation") == {frozenset(("Pia", "Harbour Trust"))}  # Sam's has ended
    assert _pairs(graph, "forum") == {
        frozenset(("Quin", "Safety Council")),
        frozenset(("Harbour Trust", "Safety Council")),
    }
    weights = {frozenset((e["source"], e["target"])): e["weight"] for e in graph["edges"]}
    by_name = {n["label"]: n["id"] for n in graph["nodes"]}
    assert weights[frozenset((by_name["Pia"], by_name["Quin"]))] == 2
    assert {n["label"]: n["kind"] for n in graph["nodes"]}["Safety Council"] == "forum"


def test_the_network_filters_by_topic_and_region(app, client):
    world = _network_world(app)
    login(client, world["emails"]["admin"])
    on_topic = _graph(client.get(f"/reports/network?topic={world['topic']}").get_data(as_text=True))
    # Consultations on the topic: one Pia–Quin (weight 1); nobody is tagged, so no affiliation or seat.
    assert [(e["relation"], e["weight"]) for e in on_topic["edges"]] == [("consultation", 1)]
    europe = _graph(client.get("/reports/network?region=Europe").get_data(as_text=True))
    assert "Rui" not in {n["label"] for n in europe["nodes"]}
    assert _pairs(europe, "consultation") == {frozenset(("Pia", "Quin")), frozenset(("Pia", "Sam"))}


def test_the_network_draws_the_most_connected_and_says_so(app, client, monkeypatch):
    world = _network_world(app)
    monkeypatch.setattr(network_map, "MAX_NODES", 3)
    monkeypatch.setattr(network_map, "QUOTA", {"o": 1, "f": 0})
    login(client, world["emails"]["admin"])
    page = client.get("/reports/network").get_data(as_text=True)
    graph = _graph(page)
    # Harbour Trust (linked to Pia), then the two people with most links: Pia and Quin.
    assert sorted(n["label"] for n in graph["nodes"]) == ["Harbour Trust", "Pia", "Quin"]
    assert "At most 3 are drawn, the most connected" in page and "3 nodes and 2 links here" in page


def test_the_pages_draw_from_data_attributes_with_no_inline_script(app, client):
    world = _network_world(app)
    login(client, world["emails"]["editor"])
    for path in ("/reports/network", "/reports/stakeholder-grid"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " style=" not in page, path
    assert "vendor/cytoscape/cytoscape.min.js" in client.get("/reports/network").get_data(as_text=True)


def test_both_maps_are_linked_from_the_reports_and_the_menu(app, client):
    world = _network_world(app)
    login(client, world["emails"]["viewer"])
    index = client.get("/reports").get_data(as_text=True)
    assert 'href="/reports/stakeholder-grid"' in index and 'href="/reports/network"' in index
    nav = client.get("/").get_data(as_text=True).split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/reports/stakeholder-grid"' in nav and 'href="/reports/network"' in nav


@pytest.mark.parametrize("path", ["/reports/stakeholder-grid", "/reports/network"])
def test_every_reader_may_open_the_maps_and_nobody_signed_out(app, client, path):
    world = _network_world(app)
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login(client, world["emails"]["viewer"])
    assert client.get(path).status_code == 200


def _grow(app, n: int, tag: str) -> None:
    """n more people, each assessed, affiliated, on a forum and in a consultation with the last one."""
    with app.app_context():
        topic = make_topic(name=f"Grown {tag}")
        forum = make_forum()
        last = None
        for i in range(n):
            person = make_person(country="FR")
            person.topics.append(topic)
            org = make_organisation(country="FR")
            make_affiliation(person, org)
            db.session.add(ForumMember(forum_id=forum.id, person_id=person.id))
            _assess(person, i % 5 + 1, ("supportive", "critical")[i % 2], date(2025, 1, 1), topic if i % 2 else None)
            make_consultation(people=[p for p in (person, last) if p], topics=[topic])
            last = person
        db.session.commit()


def test_statement_count_is_constant_whatever_the_data_size(app, client):
    world = _network_world(app)
    login(client, world["emails"]["editor"])
    _grow(app, 3, "a")
    paths = [
        "/reports/stakeholder-grid",
        f"/reports/stakeholder-grid?topic={world['topic']}&region=Europe",
        "/reports/network",
        f"/reports/network?topic={world['topic']}&region=Europe",
    ]
    small = {p: statements_for(app, client, p) for p in paths}
    _grow(app, 30, "b")
    assert {p: statements_for(app, client, p) for p in paths} == small


def test_the_demo_data_fills_every_quadrant_and_relation(app, client):
    from engage.demo.seed import seed
    from tests.conftest import PASSWORD

    with app.app_context():
        seed(people=60, password=PASSWORD)
        db.session.commit()
        topics = [t for t, _ in maps.filters(None, None).topics]
        full = [t for t in topics if all(q.people for q in maps.grid(None, str(t), None).quadrants.values())]
    assert len(full) >= 3, "the demo has topics with people in all four quadrants"
    login(client, "editor@example.org")
    graph = _graph(client.get("/reports/network").get_data(as_text=True))
    assert {e["relation"] for e in graph["edges"]} == set(network_map.RELATIONS)
    assert len(graph["nodes"]) >= 30
