"""The audit trail as sentences: each known kind of event in the reader's language, with
the people it names linked (usernames isolated), and any other kind in readable words.

Events store ids, not text, so a renamed or deleted person never leaves a stale name, and
a sentence that cannot be told from odd data falls back to the readable form.
"""

from collections.abc import Callable
from datetime import date

from flask import url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from ..catalog import get_catalog
from ..catalog_messages import translated
from ..i18n import format_date_range, format_unit
from ..jobs.kinds import KINDS
from ..models import Person, ProgramEvent
from ..services.events import AuditPage
from ..web import isolate, with_isolated


def _link(url: str, text: str) -> Markup:
    return Markup('<a href="%s">%s</a>') % (url, text)


class Names:
    """The people, requests and mentorships of one page of events, as linked names."""

    def __init__(self, page: AuditPage) -> None:
        self.page = page

    def person(self, person: Person | int | None) -> Markup | str:
        if isinstance(person, int):
            person = self.page.people.get(person)
        if person is None:
            return _("someone")
        if not person.is_active:
            return person.username
        return _link(url_for("people.profile", username=person.username), person.username)

    def requester(self, request_id: int) -> Markup | str:
        """The mentee of a request, linked to the request's page."""
        request = self.page.requests.get(request_id)
        if request is None:
            return _("someone")
        url = url_for("coordinators.request_detail", request_id=request.id)
        return _link(url, request.mentee.username)

    def proposal(self, proposal_id: int) -> dict[str, Markup | str]:
        """A proposal's mentor and mentee (linked to the request's page)."""
        proposal = self.page.proposals[proposal_id]
        url = url_for("coordinators.request_detail", request_id=proposal.request_id)
        return {
            "mentor": self.person(proposal.mentor),
            "mentee": _link(url, proposal.request.mentee.username),
        }

    def mentorship(self, mentorship_id: int) -> dict[str, Markup]:
        """A mentorship's mentor and mentee, each linked to the mentorship's page."""
        mentorship = self.page.mentorships[mentorship_id]
        url = url_for("mentorships.show", mentorship_id=mentorship.id)
        return {
            "mentor": _link(url, mentorship.mentor.username),
            "mentee": _link(url, mentorship.mentee.username),
        }


def _term(data: dict) -> str:
    return format_date_range(
        date.fromisoformat(data["starts_on"]), date.fromisoformat(data["ends_on"])
    )


def _handover(event: ProgramEvent, names: Names, by_successor: bool = True) -> dict:
    """The two sides of a hand-over event: its actor, and the person it is about."""
    actor, subject = names.person(event.actor), names.person(event.subject_id)
    if by_successor:
        return {"successor": actor, "outgoing": subject}
    return {"outgoing": actor, "successor": subject}


def _level(data: dict) -> str:
    return translated(get_catalog().levels[data["level"]])


Sentence = Callable[[ProgramEvent, dict, Names], Markup | str]

SENTENCES: dict[str, Sentence] = {
    "request_made": lambda e, d, n: with_isolated(
        _("%(mentee)s asked for a mentor."), mentee=n.requester(e.subject_id)
    ),
    "request_withdrawn": lambda e, d, n: with_isolated(
        _("%(mentee)s withdrew their request."), mentee=n.requester(e.subject_id)
    ),
    "proposal_made": lambda e, d, n: with_isolated(
        _("%(mentor)s was proposed to %(mentee)s."),
        mentor=n.person(d["mentor"]),
        mentee=n.requester(e.subject_id),
    ),
    "proposal_approved": lambda e, d, n: with_isolated(
        _("%(mentee)s and %(mentor)s are paired."), **n.proposal(e.subject_id)
    ),
    "proposal_rejected": lambda e, d, n: with_isolated(
        _("The proposal of %(mentor)s to %(mentee)s was rejected."), **n.proposal(e.subject_id)
    ),
    "batch_pairing": lambda e, d, n: ngettext(
        "A batch pairing proposed %(num)d pair.",
        "A batch pairing proposed %(num)d pairs.",
        int(d["proposed"]),
    ),
    "mentorship_ended": lambda e, d, n: with_isolated(
        _("The mentorship of %(mentee)s with %(mentor)s ended."), **n.mentorship(e.subject_id)
    ),
    "problem_resolved": lambda e, d, n: _("The report is marked resolved."),
    "mentor_away": lambda e, d, n: with_isolated(
        _("%(mentor)s went on a wiki-break."), mentor=n.person(e.subject_id)
    ),
    "mentor_set_away": lambda e, d, n: with_isolated(
        _("%(mentor)s was set away after %(time)s without activity."),
        mentor=n.person(e.subject_id),
        time=format_unit(int(d["inactive_days"]), "duration-day"),
    ),
    "mentor_back": lambda e, d, n: with_isolated(
        _("%(mentor)s is back from a wiki-break."), mentor=n.person(e.subject_id)
    ),
    "mentor_retired": lambda e, d, n: with_isolated(
        _("%(name)s has left mentoring."), name=n.person(e.subject_id)
    ),
    "backup_assigned": lambda e, d, n: with_isolated(
        _("%(backup)s backs up %(mentor)s for %(mentee)s."),
        backup=n.person(d["backup"]),
        **n.mentorship(e.subject_id),
    ),
    "backup_removed": lambda e, d, n: with_isolated(
        _("%(backup)s no longer backs up %(mentor)s for %(mentee)s."),
        backup=n.person(d["backup"]),
        **n.mentorship(e.subject_id),
    ),
    "succession_proposed": lambda e, d, n: with_isolated(
        _("Successors were proposed for the mentees of %(mentor)s."),
        mentor=n.person(e.subject_id),
    ),
    "signin_link_created": lambda e, d, n: with_isolated(
        _("A one-time sign-in link was made for %(name)s."), name=n.person(e.subject_id)
    ),
    "signin_link_used": lambda e, d, n: with_isolated(
        _("%(name)s signed in with a one-time link."), name=n.person(e.subject_id)
    ),
    "password_set": lambda e, d, n: with_isolated(
        _("%(name)s set a password."), name=n.person(e.subject_id)
    ),
    "account_deleted": lambda e, d, n: _("An account was deleted."),
    "token_created": lambda e, d, n: _("An API token was created."),
    "token_revoked": lambda e, d, n: _("An API token was revoked."),
    "problem_reported": lambda e, d, n: _("A problem was reported on a mentorship."),
    "offboarding_template_changed": lambda e, d, n: _("The off-boarding questions were changed."),
    "profiles_imported": lambda e, d, n: ngettext(
        "%(num)d profile was imported.",
        "%(num)d profiles were imported.",
        int(d["mentors"]) + int(d["mentees"]),
    ),
    "job_retried": lambda e, d, n: _(
        "%(job)s was tried again (attempt %(attempt)s).",
        job=KINDS[d["job_kind"]].label,
        attempt=format_number(int(d["attempt"])),
    ),
    "resource_added": lambda e, d, n: _("A learning resource was added."),
    "resource_suggested": lambda e, d, n: _("A learning resource was suggested."),
    "resource_approved": lambda e, d, n: _("A suggested learning resource was approved."),
    "resource_rejected": lambda e, d, n: _("A suggested learning resource was rejected."),
    "circle_approved": lambda e, d, n: with_isolated(
        _("A peer circle led by %(name)s was approved."), name=n.person(d["facilitator"])
    ),
    "circle_created": lambda e, d, n: with_isolated(
        _("A peer circle led by %(name)s was gathered by hand."), name=n.person(d["facilitator"])
    ),
    "circle_handed_over": lambda e, d, n: with_isolated(
        _("A peer circle was handed over to %(name)s."), name=n.person(d["facilitator"])
    ),
    "circle_ended": lambda e, d, n: _("A peer circle ended."),
    "circle_left": lambda e, d, n: with_isolated(
        _("A member left a peer circle led by %(name)s."), name=n.person(d["facilitator"])
    ),
    "circle_post_hidden": lambda e, d, n: _("A post in a peer circle was hidden."),
    "circle_post_restored": lambda e, d, n: _("A hidden post in a peer circle was shown again."),
    "circle_post_reported": lambda e, d, n: _("A post in a peer circle was reported."),
    "circle_report_resolved": lambda e, d, n: _("A report of a post was marked resolved."),
    "badge_issued": lambda e, d, n: _("A %(level)s certificate was issued.", level=_level(d)),
    "badge_revoked": lambda e, d, n: _("A %(level)s certificate was revoked.", level=_level(d)),
    "coordinator_term_added": lambda e, d, n: with_isolated(
        _("%(name)s has a coordinator term: %(term)s."), name=n.person(e.subject_id), term=_term(d)
    ),
    "coordinator_term_ended": lambda e, d, n: with_isolated(
        _("The coordinator term of %(name)s ended; they no longer coordinate."),
        name=n.person(e.subject_id),
    ),
    "coordinator_successor_needed": lambda e, d, n: with_isolated(
        _(
            "The coordinator term of %(name)s ended, but nobody else coordinates: they stay"
            " until a successor takes over."
        ),
        name=n.person(e.subject_id),
    ),
    "handover_offered": lambda e, d, n: with_isolated(
        _("%(outgoing)s invited %(successor)s to take over as coordinator."),
        **_handover(e, n, by_successor=False),
    ),
    "handover_accepted": lambda e, d, n: with_isolated(
        _("%(successor)s took over as coordinator from %(outgoing)s."), **_handover(e, n)
    ),
    "handover_declined": lambda e, d, n: with_isolated(
        _("%(successor)s declined to take over as coordinator from %(outgoing)s."),
        **_handover(e, n),
    ),
    "handover_cancelled": lambda e, d, n: with_isolated(
        _("%(outgoing)s withdrew the invitation to %(successor)s to take over as coordinator."),
        **_handover(e, n, by_successor=False),
    ),
    "badge_endorsed": lambda e, d, n: with_isolated(
        _("The %(level)s level of %(mentee)s was endorsed."),
        level=_level(d),
        mentee=n.person(d["mentee"]),
    ),
    "endorsement_not_yet": lambda e, d, n: with_isolated(
        _("The %(level)s level of %(mentee)s is not endorsed yet."),
        level=_level(d),
        mentee=n.person(d["mentee"]),
    ),
    "showcase_hidden": lambda e, d, n: _(
        "A %(level)s certificate was hidden from the showcase.", level=_level(d)
    ),
}


def readable(event: ProgramEvent, data: dict) -> Markup:
    """Any kind of event in words: its kind without underscores, then each detail."""
    what = event.kind.replace("_", " ").capitalize()
    details = Markup(", ").join(
        Markup("%s: %s") % (key.replace("_", " "), isolate(str(value)))
        for key, value in data.items()
    )
    return Markup("%s (%s)") % (what, details) if details else Markup.escape(what)


def describe(event: ProgramEvent, names: Names) -> Markup | str:
    """The event as a sentence; an unknown kind or odd data never breaks the page."""
    data = event.data if isinstance(event.data, dict) else {}
    sentence = SENTENCES.get(event.kind)
    if sentence is not None:
        try:
            return sentence(event, data, names)
        except (KeyError, TypeError, ValueError):
            pass
    return readable(event, data)
