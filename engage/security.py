"""Security headers on every response; addresses no view can use refused before any runs."""

from flask import Flask, request

from engage.errors import ValidationError

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def register_security_headers(app: Flask) -> None:
    hsts = app.config["SESSION_COOKIE_SECURE"]

    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def refuse_nul_characters() -> None:
    """before_request: an address with a NUL character (`%00`) in a query value, key or path part is
    refused with a 400 and a message. No search, filter, sort or id can use one, and PostgreSQL
    refuses NUL in text (which would otherwise end in a 500 on every list page)."""
    parts = [text for pair in request.args.items(multi=True) for text in pair]
    parts += [value for value in (request.view_args or {}).values() if isinstance(value, str)]
    if any("\x00" in text for text in parts):
        raise ValidationError(
            "The address has a NUL character (%00) in it, which no page can use. Remove it and try again."
        )
