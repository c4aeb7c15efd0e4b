from datetime import date, timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import role_required
from ..catalog import get_catalog
from ..catalog_messages import translated
from ..extensions import db
from ..labels import question_label
from ..models import (
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Person,
    PersonLanguage,
    ProblemReport,
    ProgramEvent,
    RoleName,
    utcnow,
)
from ..services import DomainError, mentoring, signin_links, transaction
from ..services.matching import active_mentee_counts, suggest_mentors
from ..web import same_site_path, whole_number_arg, with_isolated
from . import bp
from .forms import PickForm, QueueFilterForm, RejectForm, TemplateForm

AUDIT_PAGE_SIZE = 50


@bp.before_request
@role_required(RoleName.COORDINATOR)
def only_coordinators() -> None:
    """Every page of this area is for coordinators."""


def _filtered_requests(form: QueueFilterForm) -> list[MentorRequest]:
    query = (
        select(MentorRequest)
        .where(MentorRequest.state.in_(mentoring.WAITING))
        .options(
            selectinload(MentorRequest.mentee),
            selectinload(MentorRequest.proposals).selectinload(MatchProposal.mentor),
        )
        .order_by(MentorRequest.created_at, MentorRequest.id)
    )
    if form.language.data:
        speakers = select(PersonLanguage.person_id).where(
            PersonLanguage.code == form.language.data.strip().lower()
        )
        query = query.where(MentorRequest.mentee_id.in_(speakers))
    if form.waiting_days.data:
        cutoff = utcnow() - timedelta(days=form.waiting_days.data)
        query = query.where(MentorRequest.created_at <= cutoff)
    requests = db.session.scalars(query).all()
    if form.skill.data:
        requests = [r for r in requests if form.skill.data in r.skills]
    return requests


def _loads(mentor_ids: set[int]) -> dict[int, tuple[int, int]]:
    """(held, capacity) per mentor, in two queries whatever the queue's length."""
    held = active_mentee_counts(mentor_ids)
    capacities = dict(
        db.session.execute(
            select(MentorOffer.person_id, MentorOffer.capacity).where(
                MentorOffer.person_id.in_(mentor_ids)
            )
        ).all()
    )
    return {m: (held.get(m, 0), capacities.get(m, 0)) for m in mentor_ids}


@bp.get("/")
def queue():
    form = QueueFilterForm(request.args)
    form.skill.choices = [("", _("Any skill"))] + [
        (s.id, translated(s)) for s in get_catalog().skills.values()
    ]
    requests = _filtered_requests(form) if form.validate() else []
    mentor_ids = {p.mentor_id for r in requests for p in r.proposals}
    return render_template(
        "coordinators/queue.html",
        form=form,
        requests=requests,
        loads=_loads(mentor_ids),
        reject_form=RejectForm(),
        successions=mentoring.mentors_needing_successors(date.today()),
        now=utcnow(),
    )


@bp.post("/proposals/<int:proposal_id>/approve")
def approve(proposal_id: int):
    proposal = db.get_or_404(MatchProposal, proposal_id)
    with transaction():
        mentoring.approve_proposal(current_user, proposal, date.today())
    flash(
        with_isolated(
            _("%(mentee)s and %(mentor)s are paired."),
            mentee=proposal.request.mentee.username,
            mentor=proposal.mentor.username,
        ),
        "success",
    )
    return redirect(same_site_path(request.form.get("next"), url_for("coordinators.queue")))


@bp.post("/proposals/<int:proposal_id>/reject")
def reject(proposal_id: int):
    proposal = db.get_or_404(MatchProposal, proposal_id)
    form = RejectForm()
    if not form.validate():
        raise DomainError(form.reason.errors[0], "reason")
    with transaction():
        mentoring.reject_proposal(current_user, proposal, form.reason.data)
    flash(_("Proposal rejected. The next best mentor, if any, is proposed."), "success")
    return redirect(same_site_path(request.form.get("next"), url_for("coordinators.queue")))


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    mentor_request = db.get_or_404(MentorRequest, request_id)
    suggestions = suggest_mentors(mentor_request, top=10)
    return render_template(
        "coordinators/request.html",
        mentor_request=mentor_request,
        suggestions=suggestions,
        loads=_loads({s.mentor.id for s in suggestions}),
        pick_form=PickForm(),
        reject_form=RejectForm(),
    )


@bp.post("/requests/<int:request_id>/pick")
def pick(request_id: int):
    mentor_request = db.get_or_404(MentorRequest, request_id)
    form = PickForm()
    if not form.validate():
        abort(400)
    mentor = db.get_or_404(Person, form.mentor_id.data)
    with transaction():
        mentoring.propose_mentor(current_user, mentor_request, mentor)
    flash(
        with_isolated(_("%(mentor)s is proposed. Approve to pair them."), mentor=mentor.username),
        "success",
    )
    return redirect(url_for("coordinators.request_detail", request_id=request_id))


@bp.post("/batch")
def batch():
    with transaction():
        result = mentoring.run_batch_pairing(current_user)
    return redirect(url_for("coordinators.batch_review", batch_id=result["batch_id"]))


@bp.get("/batch/<batch_id>")
def batch_review(batch_id: str):
    event = db.session.scalar(
        select(ProgramEvent).where(
            ProgramEvent.kind == "batch_pairing", ProgramEvent.data["batch"].as_string() == batch_id
        )
    )
    if event is None:
        abort(404)
    proposals = db.session.scalars(
        select(MatchProposal)
        .where(MatchProposal.batch_id == batch_id)
        .options(selectinload(MatchProposal.request).selectinload(MentorRequest.mentee))
        .order_by(MatchProposal.score.desc())
    ).all()
    unmatched = event.data.get("unmatched", {})
    waiting = db.session.scalars(
        select(MentorRequest)
        .where(MentorRequest.id.in_([int(i) for i in unmatched]))
        .options(selectinload(MentorRequest.mentee))
    ).all()
    return render_template(
        "coordinators/batch.html",
        batch_id=batch_id,
        event=event,
        unmatched=[(r, unmatched[str(r.id)]) for r in waiting],
        proposals=proposals,
        loads=_loads({p.mentor_id for p in proposals}),
        reject_form=RejectForm(),
    )


@bp.get("/succession/<int:mentor_id>")
def succession(mentor_id: int):
    mentor = db.get_or_404(Person, mentor_id)
    mentorships = db.session.scalars(
        select(Mentorship).where(
            Mentorship.mentor_id == mentor_id, Mentorship.state != MentorshipState.ENDED
        )
    ).all()
    return render_template(
        "coordinators/succession.html",
        mentor=mentor,
        offer=mentoring.offer_of(mentor),
        mentorships=mentorships,
    )


@bp.post("/succession/<int:mentor_id>")
def propose_successors(mentor_id: int):
    mentor = db.get_or_404(Person, mentor_id)
    with transaction():
        created = mentoring.propose_successors(current_user, mentor)
    flash(
        ngettext(
            "%(num)d successor request is in the queue.",
            "%(num)d successor requests are in the queue.",
            len(created),
        ),
        "success",
    )
    return redirect(url_for("coordinators.queue"))


@bp.get("/reports")
def reports():
    found = db.session.scalars(
        select(ProblemReport)
        .options(selectinload(ProblemReport.mentorship))
        .order_by(ProblemReport.resolved_at.is_not(None), ProblemReport.created_at.desc())
    ).all()
    return render_template("coordinators/reports.html", reports=found)


@bp.post("/reports/<int:report_id>/resolve")
def resolve_report(report_id: int):
    report = db.get_or_404(ProblemReport, report_id)
    with transaction():
        mentoring.resolve_report(current_user, report)
    flash(_("The report is marked resolved."), "success")
    return redirect(url_for("coordinators.reports"))


@bp.get("/audit")
def audit():
    page = whole_number_arg("page", 1, minimum=1)
    events = db.paginate(
        select(ProgramEvent)
        .options(selectinload(ProgramEvent.actor))
        .order_by(ProgramEvent.created_at.desc(), ProgramEvent.id.desc()),
        page=page,
        per_page=AUDIT_PAGE_SIZE,
    )
    return render_template("coordinators/audit.html", events=events)


@bp.get("/people")
def people():
    """People imported from a spreadsheet, who sign in only with a one-time link."""
    waiting = db.session.scalars(
        select(Person)
        .where(Person.password_hash.is_(None), Person.deleted_at.is_(None))
        .order_by(Person.username_key)
    ).all()
    return render_template("coordinators/people.html", people=waiting)


@bp.post("/people/<int:person_id>/link")
def sign_in_link(person_id: int):
    person = db.get_or_404(Person, person_id)
    with transaction():
        token = signin_links.create_link(current_user, person)
    link = url_for("auth.link_sign_in", token=token, _external=True)
    response = make_response(render_template("coordinators/link.html", person=person, link=link))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/offboarding-template", methods=["GET", "POST"])
def offboarding_template():
    form = TemplateForm()
    if request.method == "GET":
        questions = mentoring.offboarding_questions()
        form.questions.data = "\n".join(question_label(q["label"]) for q in questions)
    if form.validate_on_submit():
        with transaction():
            mentoring.save_offboarding_template(current_user, form.questions.data.splitlines())
        flash(_("The off-boarding questions are saved."), "success")
        return redirect(url_for("coordinators.offboarding_template"))
    return render_template("coordinators/template.html", form=form), 422 if form.errors else 200
