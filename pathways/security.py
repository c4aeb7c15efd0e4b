"""What the app believes about the client, and the headers every response carries.

Behind ``TRUSTED_PROXIES`` reverse proxies, Werkzeug's ``ProxyFix`` takes the client's
address and scheme from as many ``X-Forwarded-For`` / ``X-Forwarded-Proto`` entries;
with 0 (the default) those headers are ignored, so a client cannot choose its address.

The headers are one ``after_request`` rather than Flask-Talisman: Talisman's last
release (1.1.0) dates from 2023, and it sets ``SESSION_COOKIE_SECURE`` itself on each
request and believes ``X-Forwarded-Proto`` from any client, where here the
configuration and ``TRUSTED_PROXIES`` decide. A handful of fixed headers needs no library.
"""

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Every header a view has not set itself (sign-in links ask for no referrer at all)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    max_age = current_app.config["HSTS_MAX_AGE"]
    if max_age:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={max_age}; includeSubDomains"
        )
    return response
