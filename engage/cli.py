"""`flask --app wsgi engage …` commands."""

import logging
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from engage.audit.services import Actor
from engage.auth import services as auth_services
from engage.demo import seed as demo
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.fulltext import index as fulltext_index
from engage.policies import outcomes
from engage.reports import counts as report_counts
from engage.reports import coverage_counts

engage_cli = AppGroup("engage", help="Engage administration commands.")


@engage_cli.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice(["admin", "editor", "viewer"]), default="admin", show_default=True)
@click.password_option()
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Add a user who can sign in."""
    try:
        user = auth_services.create_user(Actor(None, "cli"), email, name, role, password)
    except ValidationError as error:
        db.session.rollback()
        for field, message in error.errors.items():
            click.echo(f"{field or 'error'}: {message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@engage_cli.command("seed-demo")
@click.option("--people", default=1000, show_default=True, help="How many people; other records scale with it.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has users.")
def seed_demo(people: int, if_empty: bool) -> None:
    """Fill an empty database with deterministic synthetic demo data."""
    if not demo.database_is_empty():
        if if_empty:
            click.echo("The database already has data; not seeding.")
            return
        click.echo("The database already has users; seed-demo only fills an empty database.", err=True)
        sys.exit(1)
    started = time.perf_counter()
    counts = demo.seed(people=people, password=current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # the planner's statistics now, not when autovacuum gets there
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    elapsed = time.perf_counter() - started
    click.echo(", ".join(f"{n:,} {name}" for name, n in counts.items()) + f" in {elapsed:.1f} s")
    click.echo(f"Demo logins (password: {current_app.config['DEMO_PASSWORD']}):")
    for email, _, role in demo.DEMO_USERS:
        click.echo(f"  {role:<7} {email}")


@engage_cli.command("mail-server")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8025, show_default=True, type=int, help="Port to listen on.")
@click.option("--lmtp", is_flag=True, help="Speak LMTP (for Postfix's lmtp transport) instead of SMTP.")
def mail_server(host: str, port: int, lmtp: bool) -> None:
    """Receive mail for ENGAGE_CAPTURE_ADDRESS from staff and file it as email drafts."""
    from engage.inbox import mailserver

    controller = mailserver.start(current_app._get_current_object(), host, port, lmtp)
    address = current_app.config["CAPTURE_ADDRESS"]
    click.echo(f"{'LMTP' if lmtp else 'SMTP'} on {host}:{port}, taking mail for {address}", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@engage_cli.command("reindex")
@click.option("--check", is_flag=True, help="Only report records whose search entry is out of date.")
def reindex(check: bool) -> None:
    """Rebuild the search index from the tables (after an upgrade, a restore or a bulk load)."""
    if check:
        stale = fulltext_index.stale(db.session)
        click.echo(
            f"{len(stale):,} search entries out of date"
            + (": " + ", ".join(f"{k} #{i}" for k, i in stale[:20]) if stale else "")
        )
        sys.exit(1 if stale else 0)
    started = time.perf_counter()
    counts = fulltext_index.reindex(db.session)
    db.session.commit()
    summary = ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
    click.echo(f"Indexed {summary} in {time.perf_counter() - started:.1f} s")


@engage_cli.command("recount")
@click.option("--check", is_flag=True, help="Only report the kept counts that differ from a recount.")
@click.option("--roll", is_flag=True, help="Only move the coverage counts on to today (a worker does it nightly).")
def recount(check: bool, roll: bool) -> None:
    """Rebuild the kept counts from the tables (after a bulk load or a restore): the decision outcomes
    per policy and day, and the reports' counts. `--roll` recounts the people met, or whose
    affiliation ended, since the coverage counts' day, so the coverage report does not count them
    live; a worker of the task queue does it each night."""
    if roll:
        people = coverage_counts.roll(db.session)
        db.session.commit()
        click.echo(f"Coverage counts moved on to today: {people:,} people recounted")
        return
    if check:
        wrong = outcomes.differences(db.session)
        click.echo(
            f"{len(wrong):,} decision-outcome counts out of date"
            + (
                ": "
                + ", ".join(
                    f"policy #{p} {m:%Y-%m-%d} {o} {c}: {k} kept, {n} counted" for p, m, o, c, k, n in wrong[:20]
                )
                if wrong
                else ""
            )
        )
        stale = report_counts.month_differences(db.session) + coverage_counts.differences(db.session)
        click.echo(f"{stale:,} report count rows out of date")
        sys.exit(1 if wrong or stale else 0)
    started = time.perf_counter()
    rows = outcomes.rebuild(db.session)
    report_counts.rebuild_months(db.session)
    coverage_counts.rebuild(db.session)
    db.session.commit()
    click.echo(
        f"Counted {rows:,} decision-outcome rows and the reports' counts in {time.perf_counter() - started:.1f} s"
    )


@engage_cli.command("send-reminders")
@click.option("--days", type=int, default=None, help="Days ahead (default: REMINDER_DAYS, 2).")
@click.option("--digest", is_flag=True, help="Send the weekly digest of policy-cycle alerts to policy owners instead.")
def send_reminders(days: int | None, digest: bool) -> None:
    """Mail speakers before their engagements and assignees before commitments fall due; with
    --digest, each policy owner their policy-cycle alerts (once a week, run it daily or weekly).
    A worker (`engage worker`) does both each morning by itself; running both sends nothing twice."""
    if digest:
        from engage.dashboard.tasks import send_weekly_digests

        count = send_weekly_digests(on_sent=lambda user, where: click.echo(f"digest → {user.email} ({where})"))
        click.echo(f"{count} digest{'s' if count != 1 else ''} sent.")
        return
    from engage.engagements.tasks import send_due_reminders

    def sent_one(reminder, where):
        click.echo(f"{reminder.kind} {reminder.record_id} → {reminder.user.email} ({where})")

    sent = send_due_reminders(days, on_sent=sent_one)
    click.echo(f"{sent} reminder{'s' if sent != 1 else ''} sent.")


@engage_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks run at the same time (threads).")
@click.option("--no-periodic", is_flag=True, help="Leave the scheduled tasks (reminders, digests) to another worker.")
def worker(workers: int, no_periodic: bool) -> None:
    """Run queued work off the web processes: evidence packs, webhook deliveries, the morning
    reminders and the Monday digest. Run one or more beside gunicorn (on other machines too, with
    REDIS_URL); stop with Ctrl-C or SIGTERM, which lets running tasks finish."""
    from engage import tasks
    from engage.schedule import TASK_MODULES

    if tasks.queue.immediate:
        raise click.ClickException("ENGAGE_TASKS_IMMEDIATE is set: tasks run where they are asked for; nothing to do.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"Engage worker: {workers} threads, queue in {tasks.where()}; tasks from {', '.join(TASK_MODULES)}.")
    tasks.serve(current_app._get_current_object(), workers=workers, periodic=not no_periodic).run()


@engage_cli.command("briefing")
@click.argument("engagement_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="PDF file to write.")
@click.option(
    "--reader",
    "reader_email",
    default=None,
    help="Email of the user the pack is for (default: the first admin).",
)
@click.option("--tz", "zone", default=None, help="An IANA time zone for the reader's times (default: their account's).")
def briefing(engagement_id: int, output: str, reader_email: str | None, zone: str | None) -> None:
    """Write the briefing pack for an engagement, as READER would get it, and keep a copy."""
    from engage.briefings import services as briefing_services

    reader = auth_services.find_by_email(reader_email) if reader_email else auth_services.first_admin()
    if reader is None or not reader.active:
        click.echo(f"No active user {reader_email or '(admin)'} to read the pack as.", err=True)
        sys.exit(1)
    try:
        document = briefing_services.generate_briefing(Actor(reader, "cli"), engagement_id, zone)
    except NotFoundError:
        click.echo(f"No engagement {engagement_id}.", err=True)
        sys.exit(1)
    except ValidationError as error:
        click.echo("; ".join(error.errors.values()), err=True)
        sys.exit(1)
    with open(output, "wb") as handle:
        handle.write(document.content)
    db.session.commit()
    click.echo(f"Wrote {output} ({document.size:,} bytes, SHA-256 {document.sha256}) for {reader.email}.")


@engage_cli.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "user_email", default=None, help="Email of the user the import is by (default: the first admin).")
def import_people(path: str, user_email: str | None) -> None:
    """Import people from a CSV, XLSX or vCard file: all rows or none. Lists the row errors and
    exits non-zero when any row is bad, or when the file's columns are not recognised."""
    import os

    from engage.transfer import imports

    user = auth_services.find_by_email(user_email) if user_email else auth_services.first_admin()
    if user is None or not user.active:
        click.echo(f"No active user {user_email or '(admin)'} to import as.", err=True)
        sys.exit(1)
    actor = Actor(user, "cli")
    with open(path, "rb") as handle:
        data = handle.read()
    name = os.path.basename(path)
    try:
        plan = imports.prepare("people", data, name)
        if plan.needs_mapping:
            click.echo(
                f"{name}: the columns ({', '.join(plan.table.headers[:8])}) are not a known export. "
                "Import it once on /import/people to choose the mapping; it is remembered for the next file.",
                err=True,
            )
            sys.exit(1)
        imports.check(plan, actor)
        for row in plan.bad:
            for column, problem in row.errors:
                click.echo(f"row {row.number}, column “{column}”: {problem}", err=True)
        if plan.bad:
            click.echo(f"Nothing was imported: {len(plan.bad)} of {len(plan.rows)} rows have problems.", err=True)
            sys.exit(1)
        counts = imports.apply(actor, plan)
    except ValidationError as error:
        db.session.rollback()
        click.echo("; ".join(error.errors.values()), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"Imported {name} ({plan.source}, {plan.table.encoding}): {counts['create']} created, "
        f"{counts['skip']} skipped as likely duplicates."
    )


@engage_cli.command("deliver-webhooks")
@click.option("--once", is_flag=True, help="One pass over the due messages, then exit (for cron).")
@click.option("--interval", default=10, show_default=True, help="Seconds between passes when running on.")
def deliver_webhooks(once: bool, interval: int) -> None:
    """Send due webhook messages (signed POSTs), retrying failures with back-off; announces
    commitments that fall due. Without --once it runs on, a pass every --interval seconds. A worker
    (`engage worker`) does this by itself; use one or the other."""
    from engage.webhooks.tasks import deliver_pass

    def logged(attempt):
        result = attempt.status_code or attempt.error
        click.echo(f"{attempt.message.event_type} {attempt.message.message_id} → {result} ({attempt.duration_ms} ms)")

    while True:
        made = deliver_pass(on_attempt=logged)
        if once:
            click.echo(f"{made} attempt{'s' if made != 1 else ''}.")
            return
        time.sleep(interval)


@engage_cli.command("create-token")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What the token is for, e.g. “BI export”.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--days", type=int, default=90, show_default=True, help="Days until it expires (1–366).")
def create_token(email: str, name: str, scope: str, days: int) -> None:
    """Make a personal access token for the JSON API; the token is printed alone on the last line."""
    from sqlalchemy import func, select

    from engage.api.tokens import create_token as make
    from engage.auth.models import User

    user = db.session.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar_one_or_none()
    if user is None or not user.active:
        raise click.ClickException(f"No active user has the email {email}.")
    try:
        token, text = make(Actor(user), user, name, scope, days)
    except ValidationError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(
        f"Token “{token.name}” ({scope}) for {user.email}, expires {token.expires_at:%Y-%m-%d}. It is shown only once:"
    )
    click.echo(text)
