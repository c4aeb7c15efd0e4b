"""Pathways: learning ladders and mentor matching for the Wikimedia movement."""

from pathlib import Path

from flask import Flask

from . import security
from .config import Config, complete
from .extensions import babel, csrf, db, limiter, login_manager
from .i18n import locale_display_name, select_locale, text_direction
from .web import install_input_rules, isolate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and CLI — nothing else."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    complete(app.config, app.instance_path)

    _init_extensions(app)
    install_input_rules(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from . import commands

    commands.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)

    from .auth import load_person

    login_manager.user_loader(load_person)


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .errors import bp as errors_bp
    from .main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    from .account import bp as account_bp
    from .mentorships import bp as mentorships_bp
    from .notifications import bp as notifications_bp

    app.register_blueprint(mentorships_bp, url_prefix="/mentorships")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(account_bp, url_prefix="/account")
    from .dashboard import bp as dashboard_bp

    app.register_blueprint(dashboard_bp)
    from .coordinators import bp as coordinators_bp
    from .mentors import bp as mentors_bp
    from .requests import bp as requests_bp

    app.register_blueprint(mentors_bp, url_prefix="/mentors")
    app.register_blueprint(requests_bp, url_prefix="/requests")
    app.register_blueprint(coordinators_bp, url_prefix="/coordinators")
    from .people import bp as people_bp
    from .recognition import bp as badges_bp
    from .volunteers import bp as volunteers_bp

    app.register_blueprint(volunteers_bp, url_prefix="/ladder")
    app.register_blueprint(badges_bp, url_prefix="/badges")
    app.register_blueprint(people_bp, url_prefix="/people")


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from .labels import describe_reason, label

    app.jinja_env.globals.update(label=label, describe_reason=describe_reason)
    app.jinja_env.filters["bdi"] = isolate

    @app.context_processor
    def locale_context() -> dict:
        code = str(get_locale())
        return {
            "html_lang": code.replace("_", "-"),
            "html_dir": text_direction(code),
            "locale_choices": [(c, locale_display_name(c)) for c in app.config["LANGUAGES"]],
        }
