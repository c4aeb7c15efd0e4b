"""Pathways: learning ladders and mentor matching for the Wikimedia movement."""

from pathlib import Path

from flask import Flask

from . import security, wikimedia
from .config import Config, complete
from .extensions import babel, csrf, init_database, limiter, login_manager
from .i18n import (
    available_locales,
    format_date_range,
    format_decimal,
    format_month,
    format_time_ago,
    format_unit,
    install_request_domain,
    install_template_gettext,
    language_name,
    locale_context,
    select_locale,
    select_timezone,
)
from .web import install_input_rules, isolate, linked


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and CLI — nothing else."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    complete(app.config, app.instance_path)

    _init_extensions(app)
    _find_languages(app)
    install_input_rules(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from . import commands

    commands.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    init_database(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_request_domain(app)
    install_template_gettext(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    wikimedia.init_app(app)

    from .auth import load_person, note_the_day_seen

    login_manager.user_loader(load_person)
    app.before_request(note_the_day_seen)


def _find_languages(app: Flask) -> None:
    """The languages are the translation folders (unless a test names them)."""
    from flask_babel import get_babel

    directories = get_babel(app).translation_directories
    app.config.setdefault("LANGUAGES", available_locales(directories))


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .errors import bp as errors_bp
    from .health import bp as health_bp
    from .main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(health_bp)
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
    from .jobs import bp as jobs_bp
    from .people import bp as people_bp
    from .recognition import bp as badges_bp
    from .resources import bp as resources_bp
    from .showcase import bp as showcase_bp
    from .volunteers import bp as volunteers_bp

    app.register_blueprint(volunteers_bp, url_prefix="/ladder")
    app.register_blueprint(badges_bp, url_prefix="/badges")
    app.register_blueprint(people_bp, url_prefix="/people")
    app.register_blueprint(jobs_bp, url_prefix="/jobs")
    app.register_blueprint(resources_bp, url_prefix="/resources")
    from .circles import bp as circles_bp

    app.register_blueprint(showcase_bp, url_prefix="/showcase")
    from .communities import bp as communities_bp
    from .trainings import bp as trainings_bp

    app.register_blueprint(trainings_bp, url_prefix="/events")
    app.register_blueprint(communities_bp, url_prefix="/communities")
    app.register_blueprint(circles_bp, url_prefix="/circles")
    from . import api

    api.init_app(app)


def _register_template_helpers(app: Flask) -> None:
    from .catalog_messages import level_name, skill_name, translated, translated_each
    from .labels import circle_state, describe_reason, fit, label, question_label

    app.jinja_env.globals.update(
        label=label,
        circle_state=circle_state,
        describe_reason=describe_reason,
        question_label=question_label,
        skill_name=skill_name,
        level_name=level_name,
        date_range=format_date_range,
        wikimedia_enabled=lambda: wikimedia.client() is not None,
    )
    app.jinja_env.filters.update(
        bdi=isolate,
        linked=linked,
        fit=fit,
        translated=translated,
        translated_each=translated_each,
        unitformat=format_unit,
        decimalformat=format_decimal,
        monthformat=format_month,
        time_ago=format_time_ago,
        language_name=language_name,
    )
    app.context_processor(locale_context)
