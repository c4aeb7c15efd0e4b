from collections.abc import Callable
from datetime import date

from flask import has_request_context, redirect, render_template, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..catalog import get_catalog
from ..catalog_messages import translated
from ..extensions import db
from ..models import Notification
from ..services import events, recognition, transaction
from ..web import with_isolated
from . import bp

LIST_LIMIT = 200


def _name(params: dict, key: str) -> str:
    return str(params.get(key) or _("someone"))


def _mentor_away(params: dict) -> str:
    try:
        until = format_date(date.fromisoformat(params["until"]))
    except (KeyError, TypeError, ValueError):
        return with_isolated(
            _("%(mentor)s is on a wiki-break; your mentorship is paused."),
            mentor=_name(params, "mentor"),
        )
    return with_isolated(
        _("%(mentor)s is on a wiki-break until %(date)s; your mentorship is paused."),
        mentor=_name(params, "mentor"),
        date=until,
    )


def _on(params: dict, key: str) -> str:
    return format_date(date.fromisoformat(params[key]))


# Each kind becomes a sentence in the reader's language; params hold names, not text,
# and the names are isolated (<bdi>) in the sentence.
def _level(params: dict) -> str:
    return translated(get_catalog().levels[params["level"]])


SENTENCES: dict[str, Callable[[dict], str]] = {
    "matched": lambda p: with_isolated(_("You were paired with %(name)s."), name=_name(p, "other")),
    "mentor_away": _mentor_away,
    "mentor_back": lambda p: with_isolated(
        _("%(mentor)s is back; your mentorship continues."), mentor=_name(p, "mentor")
    ),
    "mentor_set_away": lambda p: ngettext(
        "You had no sign-in and no check-in for %(num)d day, so you are on a wiki-break now:"
        " no new mentees, and your mentorships are paused. Press “I am back” when you return.",
        "You had no sign-in and no check-in for %(num)d days, so you are on a wiki-break now:"
        " no new mentees, and your mentorships are paused. Press “I am back” when you return.",
        int(p["days"]),
    ),
    "graduation_offered": lambda p: with_isolated(
        _(
            "You have done every skill you asked %(mentor)s to help with: you can graduate"
            " from your mentorship."
        ),
        mentor=_name(p, "mentor"),
    ),
    "mentor_long_away": lambda p: with_isolated(
        _("%(mentor)s is away for long and still has mentees: find them a successor."),
        mentor=_name(p, "mentor"),
    ),
    "mentor_retired": lambda p: with_isolated(
        _("%(mentor)s has left mentoring and still has mentees: find them a successor."),
        mentor=_name(p, "mentor"),
    ),
    "agreement_changed": lambda p: with_isolated(
        _("%(name)s changed your mentoring agreement. Read it and confirm it."),
        name=_name(p, "other"),
    ),
    "checkin_logged": lambda p: with_isolated(
        _("%(name)s logged a check-in."), name=_name(p, "other")
    ),
    "mentorship_ended": lambda p: with_isolated(
        _("%(name)s ended your mentorship."), name=_name(p, "other")
    ),
    "backup_assigned": lambda p: with_isolated(
        _("%(name)s is now the backup mentor of your mentorship."), name=_name(p, "backup")
    ),
    "backup_standing_in": lambda p: with_isolated(
        _("%(mentor)s is away: you stand in as backup for %(mentee)s."),
        mentor=_name(p, "mentor"),
        mentee=_name(p, "mentee"),
    ),
    "problem_reported": lambda p: _("A problem was reported on a mentorship. Please look at it."),
    "thanked": lambda p: with_isolated(_("%(name)s sent you a thank-you."), name=_name(p, "other")),
    "badge_revoked": lambda p: _("One of your badges was revoked."),
    "coordinator_term_added": lambda p: with_isolated(
        _("%(name)s added a coordinator term for you, until %(date)s."),
        name=_name(p, "by"),
        date=_on(p, "ends_on"),
    ),
    "coordinator_term_ending": lambda p: _(
        "Your term as coordinator ends on %(date)s. Add a term, or hand over to a successor.",
        date=_on(p, "ends_on"),
    ),
    "coordinator_term_ended": lambda p: _(
        "Your term as coordinator has ended. Thank you for coordinating the program!"
    ),
    "coordinator_successor_needed": lambda p: _(
        "Your term as coordinator has ended, but nobody else coordinates: you stay until"
        " a successor takes over. Please invite one."
    ),
    "handover_offered": lambda p: with_isolated(
        _("%(name)s invites you to take over as coordinator. Answer on your start page."),
        name=_name(p, "outgoing"),
    ),
    "handover_accepted": lambda p: with_isolated(
        _("%(name)s accepted to take over as coordinator."), name=_name(p, "successor")
    ),
    "handover_declined": lambda p: with_isolated(
        _("%(name)s declined to take over as coordinator."), name=_name(p, "successor")
    ),
    "handover_cancelled": lambda p: with_isolated(
        _("%(name)s withdrew the invitation to take over as coordinator."),
        name=_name(p, "outgoing"),
    ),
    "coordinator_welcome": lambda p: _(
        "Welcome: you coordinate the program now, until %(date)s.", date=_on(p, "ends_on")
    ),
    "circle_joined": lambda p: with_isolated(
        _("You are in a peer circle now, led by %(name)s. Say hello on its board."),
        name=_name(p, "facilitator"),
    ),
    "circle_leading": lambda p: ngettext(
        "You lead a peer circle of %(num)d volunteer now: set when it meets.",
        "You lead a peer circle of %(num)d volunteers now: set when it meets.",
        int(p["members"]),
    ),
    "circle_handed_over": lambda p: with_isolated(
        _("%(name)s leads your peer circle now."), name=_name(p, "facilitator")
    ),
    "circle_ended": lambda p: _("Your peer circle has ended. Its board stays for you to read."),
    "circle_thanks": lambda p: _(
        "Thank you for leading your peer circle! Its place in your capacity is free again."
    ),
    "circle_post_reported": lambda p: _("A post in a peer circle was reported. Please look at it."),
    "circle_member_left": lambda p: with_isolated(
        _("%(name)s left your peer circle."), name=_name(p, "member")
    ),
    "circle_too_small": lambda p: ngettext(
        "Your peer circle has %(num)d member now, fewer than the %(minimum)d a circle starts"
        " with. It goes on: a coordinator can add members, or you can end it.",
        "Your peer circle has %(num)d members now, fewer than the %(minimum)d a circle starts"
        " with. It goes on: a coordinator can add members, or you can end it.",
        int(p["members"]),
        minimum=int(p["minimum"]),
    ),
    "badge_issued": lambda p: _("Your %(level)s certificate is ready.", level=_level(p)),
    "endorsement_requested": lambda p: _(
        "A mentee finished the %(level)s level and waits for your endorsement.", level=_level(p)
    ),
    "endorsement_not_yet": lambda p: _(
        "Your %(level)s certificate is not endorsed yet: see what to work on.", level=_level(p)
    ),
    "showcase_hidden": lambda p: _(
        "A coordinator hid your %(level)s certificate from the showcase.", level=_level(p)
    ),
}


def describe(notification: Notification) -> str:
    """The notification as a sentence; an unknown kind or odd params never break the page."""
    sentence = SENTENCES.get(notification.kind)
    params = notification.params if isinstance(notification.params, dict) else {}
    if sentence is not None:
        try:
            return sentence(params)
        except (KeyError, TypeError, ValueError):
            pass
    return _("Something changed that concerns you.")


@bp.app_context_processor
def unread_notifications() -> dict:
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": events.unread_count(current_user.id)}


@bp.get("/")
@login_required
def index():
    notifications = events.recent_notifications(current_user, LIST_LIMIT)
    items = [(n, describe(n)) for n in notifications]
    return render_template("notifications/index.html", items=items)


def _mentorship(subject_id: int) -> str:
    return url_for("mentorships.show", mentorship_id=subject_id)


def _succession(subject_id: int) -> str:
    return url_for("coordinators.succession", mentor_id=subject_id)


def _circle(subject_id: int) -> str:
    return url_for("circles.show", circle_id=subject_id)


def _certificate(subject_id: int) -> str | None:
    badge = recognition.find_badge_by_id(subject_id)
    return url_for("badges.certificate", public_id=badge.public_id) if badge else None


def _coordinator_terms(_subject_id: int) -> str:
    return url_for("coordinators.terms")


def _start_page(_subject_id: int) -> str:
    return url_for("main.index")


def _endorsement(subject_id: int) -> str:
    return url_for("badges.endorsement_request", endorsement_id=subject_id)


# Where each kind of notification leads, from the id of what it is about.
LINKS: dict[str, Callable[[int], str | None]] = {
    "matched": _mentorship,
    "mentor_away": _mentorship,
    "mentor_back": _mentorship,
    "mentor_set_away": lambda _subject_id: url_for("mentors.edit"),
    "graduation_offered": _mentorship,
    "agreement_changed": _mentorship,
    "checkin_logged": _mentorship,
    "backup_assigned": _mentorship,
    "backup_standing_in": _mentorship,
    "mentorship_ended": _mentorship,
    "mentor_long_away": _succession,
    "mentor_retired": _succession,
    "problem_reported": lambda _subject_id: url_for("coordinators.reports"),
    "thanked": lambda subject_id: url_for("mentors.profile", person_id=subject_id),
    "badge_issued": _certificate,
    "circle_joined": _circle,
    "circle_leading": _circle,
    "circle_handed_over": _circle,
    "circle_ended": _circle,
    "circle_thanks": _circle,
    "circle_member_left": _circle,
    "circle_too_small": _circle,
    "circle_post_reported": lambda _subject_id: url_for("coordinators.reports"),
    "badge_revoked": _certificate,
    "coordinator_term_added": _coordinator_terms,
    "coordinator_term_ending": _coordinator_terms,
    "coordinator_term_ended": _start_page,
    "coordinator_successor_needed": _coordinator_terms,
    "handover_offered": _start_page,
    "handover_accepted": _coordinator_terms,
    "handover_declined": _coordinator_terms,
    "handover_cancelled": _start_page,
    "coordinator_welcome": _coordinator_terms,
    "endorsement_requested": _endorsement,
    "endorsement_not_yet": lambda _subject_id: url_for("badges.mine"),
    "showcase_hidden": _certificate,
}


def link_of(notification: Notification) -> str:
    """The page a notification is about; the list of notifications when there is none."""
    resolve = LINKS.get(notification.kind)
    link = resolve(notification.subject_id) if resolve and notification.subject_id else None
    return link or url_for("notifications.index")


@bp.get("/<int:notification_id>")
@login_required
def follow(notification_id: int):
    """Follow a notification to its page, marking it read on the way."""
    notification = db.get_or_404(Notification, notification_id)
    with transaction():
        events.mark_read(current_user, notification)
    return redirect(link_of(notification), 303)


@bp.post("/read")
@login_required
def read_all():
    with transaction():
        events.mark_all_read(current_user)
    return redirect(url_for("notifications.index"), 303)
