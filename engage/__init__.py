"""Engage: the system of record for a policy team's work with outside experts."""

import os

from flask import Flask

from engage import config as config_module
from engage import sqlite


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, CLI."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("ENGAGE_INSTANCE", os.path.join(root, "instance")),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.load(app.instance_path, config))

    from engage import (
        models,  # noqa: F401  (the whole schema, for Alembic)
        tasks,
    )
    from engage.api.auth import authenticate_api_request
    from engage.audit.restricted import register as register_restricted_audit
    from engage.auth.permissions import check_request
    from engage.cli import engage_cli
    from engage.documents.services import install as documents_store_hooks
    from engage.errors import register_error_handlers
    from engage.extensions import csrf, db, limiter, login_manager, migrate
    from engage.fulltext import hooks as fulltext_hooks
    from engage.ids import IdConverter
    from engage.limits import register as register_limits
    from engage.policies import outcomes as outcome_counts
    from engage.reports import hooks as report_hooks
    from engage.security import refuse_nul_characters, register_security_headers
    from engage.templating import register_template_helpers
    from engage.timing import register as register_timing
    from engage.transaction import register as register_transaction
    from engage.webhooks import hooks as webhook_hooks

    sqlite.install()
    documents_store_hooks()  # a deleted document's file goes once the deletion has committed
    fulltext_hooks.install()  # every flush keeps the search index in step, in the same transaction
    outcome_counts.install()  # and the decision-outcome counts per policy and month
    report_hooks.install()  # … and the reports' counts
    webhook_hooks.install()  # every commit writes its webhook outbox rows, in the same transaction
    # Record ids in every route: `<id:…>` (out of range, zero or malformed → 404, never a 500).
    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    tasks.init_app(app)  # the task queue: this app's storage (or immediate mode, in the tests)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"), compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # The access check runs before CSRF and rate limits, so anonymous users go to /login first.
    app.before_request(refuse_nul_characters)  # before the access check: nobody's request may carry one
    app.before_request(check_request)
    app.before_request(authenticate_api_request)  # /api: a bearer token, before CSRF and rate limits
    register_limits(app)  # a route's own upload limit, set before CSRF reads the body
    csrf.init_app(app)
    limiter.init_app(app)

    from engage.api.item_views import bp as api_items_bp
    from engage.api.token_views import bp as api_tokens_bp
    from engage.api.views import bp as api_bp
    from engage.api.work_views import bp as api_work_bp
    from engage.api.write_views import bp as api_writes_bp
    from engage.audit.views import bp as audit_bp
    from engage.auth.views import bp as auth_bp
    from engage.briefings.views import bp as briefings_bp
    from engage.consultations.items_views import bp as consultation_items_bp
    from engage.consultations.register_views import bp as commitments_bp
    from engage.consultations.views import bp as consultations_bp
    from engage.dashboard.views import bp as dashboard_bp
    from engage.documents.views import bp as documents_bp
    from engage.engagements.calendar_views import bp as engagement_calendar_bp
    from engage.engagements.import_views import bp as engagement_import_bp
    from engage.engagements.views import bp as engagements_bp
    from engage.forums.views import bp as forums_bp
    from engage.health.views import bp as health_bp
    from engage.helplines.views import bp as helplines_bp
    from engage.inbox.views import bp as inbox_bp
    from engage.organizations.views import bp as organizations_bp
    from engage.people.privacy_views import bp as people_privacy_bp
    from engage.people.views import bp as people_bp
    from engage.policies.views import bp as policies_bp
    from engage.reports.views import bp as reports_bp
    from engage.savedviews.views import bp as savedviews_bp
    from engage.search.views import bp as search_bp
    from engage.topics.views import bp as topics_bp
    from engage.transfer.views import bp as transfer_bp
    from engage.webhooks.views import bp as webhooks_bp

    for blueprint in (
        health_bp,
        auth_bp,
        dashboard_bp,
        audit_bp,
        search_bp,
        people_privacy_bp,
        people_bp,
        organizations_bp,
        forums_bp,
        helplines_bp,
        topics_bp,
        policies_bp,
        consultations_bp,
        consultation_items_bp,
        commitments_bp,
        reports_bp,
        engagements_bp,
        engagement_calendar_bp,
        engagement_import_bp,
        briefings_bp,
        transfer_bp,
        webhooks_bp,
        api_tokens_bp,
        api_bp,
        api_writes_bp,
        api_work_bp,
        api_items_bp,
        documents_bp,
        inbox_bp,
        savedviews_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)
    csrf.exempt(api_work_bp)
    csrf.exempt(api_items_bp)
    csrf.exempt(api_writes_bp)  # no cookie authenticates the API, so there is no cross-site request to forge

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:  # the client's address and scheme as the nearest `proxies` proxies saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    register_timing(app)  # first of the after_request hooks to be registered: it runs last
    register_transaction(app)
    register_restricted_audit(app)  # after the transaction: its events are committed with the request
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    app.cli.add_command(engage_cli)
    return app
