from sqlalchemy import func, select

from engage.auth.models import User
from engage.extensions import db
from tests.conftest import csrf_from


def test_seed_demo_creates_demo_logins_and_is_deterministic(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["engage", "seed-demo", "--people", "50"])
    assert result.exit_code == 0, result.output
    assert "editor@example.org" in result.output
    with app.app_context():
        roles = dict(db.session.execute(select(User.email, User.role)).all())
        assert roles["admin@example.org"] == "admin"
        assert roles["editor@example.org"] == "editor"
        assert roles["viewer@example.org"] == "viewer"
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post(
        "/login", data={"email": "editor@example.org", "password": "engage-demo", "csrf_token": token}
    )
    assert r.status_code == 302
    # A second run refuses (the database is not empty), and --if-empty succeeds doing nothing.
    assert runner.invoke(args=["engage", "seed-demo"]).exit_code == 1
    again = runner.invoke(args=["engage", "seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not seeding" in again.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == len(roles)
