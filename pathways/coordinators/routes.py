from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import role_required
from ..catalog import get_catalog
from ..catalog_messages import translated
from ..extensions import db
from ..input_rules import same_site_path
from ..jobs import runner
from ..jobs.kinds import KINDS
from ..labels import question_label
from ..models import (
    CircleReport,
    Handover,
    MatchProposal,
    MentorRequest,
    Mentorship,
    Person,
    ProblemReport,
    RoleName,
    utcnow,
)
from ..services import (
    DomainError,
    accounts,
    backups,
    circles,
    coordinator_terms,
    events,
    mentor_requests,
    mentorships,
    offers,
    signin_links,
    transaction,
)
from ..services.next_steps import coordinator_work
from ..web import form_status, submit, whole_number_arg, with_isolated
from . import bp
from .audit_trail import Names, describe
from .forms import (
    BackupForm,
    CoordinatorTermForm,
    HandoverForm,
    PickForm,
    QueueFilterForm,
    RejectForm,
    TemplateForm,
)

AUDIT_PAGE_SIZE = 50


@bp.before_request
@role_required(RoleName.COORDINATOR)
def only_coordinators() -> None:
    """Every page of this area is for coordinators."""


@bp.get("/")
def queue():
    form = QueueFilterForm(request.args)
    form.skill.choices = [("", _("Any skill"))] + [
        (s.id, translated(s)) for s in get_catalog().skills.values()
    ]
    page = whole_number_arg("page", 1, minimum=1)
    requests = (
        mentor_requests.waiting_queue(
            (form.language.data or "").strip().lower(),
            form.skill.data,
            form.waiting_days.data,
            page,
        )
        if form.validate()
        else None
    )
    shown = requests.items if requests else []
    pairing_job = runner.running("pairing")
    return render_template(
        "coordinators/queue.html",
        form=form,
        filters={k: v for k, v in request.args.items() if k in form and v},
        requests=requests,
        loads=offers.loads(p.mentor_id for r in shown for p in r.proposals),
        reject_form=RejectForm(),
        successions=offers.mentors_needing_successors(date.today()),
        overdue=mentorships.overdue_mentorships(),
        pairing_job=pairing_job,
        pairing_job_kind=pairing_job and KINDS[pairing_job.kind],
        now=utcnow(),
    )


@bp.post("/proposals/<int:proposal_id>/approve")
def approve(proposal_id: int):
    proposal = db.get_or_404(MatchProposal, proposal_id)
    with transaction():
        mentor_requests.approve_proposal(current_user, proposal, date.today())
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
        mentor_requests.reject_proposal(current_user, proposal, form.reason.data)
    flash(_("Proposal rejected. The next best mentor, if any, is proposed."), "success")
    return redirect(same_site_path(request.form.get("next"), url_for("coordinators.queue")))


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    mentor_request = db.get_or_404(MentorRequest, request_id)
    review = mentor_requests.review_request(mentor_request)
    return render_template(
        "coordinators/request.html",
        mentor_request=mentor_request,
        suggestions=review.suggestions,
        loads=review.loads,
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
        mentor_requests.propose_mentor(current_user, mentor_request, mentor)
    flash(
        with_isolated(_("%(mentor)s is proposed. Approve to pair them."), mentor=mentor.username),
        "success",
    )
    return redirect(url_for("coordinators.request_detail", request_id=request_id))


@bp.post("/mentorships/<int:mentorship_id>/backup")
def assign_backup(mentorship_id: int):
    mentorship = db.get_or_404(Mentorship, mentorship_id)
    form = BackupForm()
    if not form.validate():
        raise DomainError(form.backup_id.errors[0], "backup_id")
    backup = db.get_or_404(Person, form.backup_id.data)
    with transaction():
        backups.assign_backup(current_user, mentorship, backup, date.today())
    flash(with_isolated(_("%(name)s is the backup mentor."), name=backup.username), "success")
    return redirect(url_for("mentorships.show", mentorship_id=mentorship.id))


@bp.post("/mentorships/<int:mentorship_id>/backup/remove")
def remove_backup(mentorship_id: int):
    mentorship = db.get_or_404(Mentorship, mentorship_id)
    with transaction():
        backups.remove_backup(current_user, mentorship)
    flash(_("The backup mentor is removed."), "success")
    return redirect(url_for("mentorships.show", mentorship_id=mentorship.id))


def _start_job(kind: str, params: dict, here: bool = False):
    """Start a job and answer at once with its page; a job already doing the same work is
    named there instead."""
    try:
        job = runner.start(kind, params, current_user, here=here)
    except runner.JobRefused as refused:
        flash(refused.message, "error")
        job = refused.running
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/batch")
def batch():
    return _start_job("batch_pairing", {})


@bp.get("/batch/<batch_id>")
def batch_review(batch_id: str):
    review = mentor_requests.batch_review(batch_id)
    if review is None:
        abort(404)
    return render_template(
        "coordinators/batch.html",
        batch_id=batch_id,
        event=review.event,
        unmatched=review.unmatched,
        proposals=review.proposals,
        circles=circles.proposed_circles(batch_id),
        loads=offers.loads(p.mentor_id for p in review.proposals),
        reject_form=RejectForm(),
    )


@bp.get("/succession/<int:mentor_id>")
def succession(mentor_id: int):
    mentor = db.get_or_404(Person, mentor_id)
    return render_template(
        "coordinators/succession.html",
        mentor=mentor,
        offer=offers.offer_of(mentor),
        mentorships=offers.active_mentorships(mentor_id),
    )


@bp.post("/succession/<int:mentor_id>")
def propose_successors(mentor_id: int):
    mentor = db.get_or_404(Person, mentor_id)
    few = offers.mentee_count(mentor_id) < current_app.config["SUCCESSION_JOB_MIN_MENTEES"]
    return _start_job("succession", {"mentor_id": mentor.id}, here=few)


@bp.get("/reports")
def reports():
    return render_template(
        "coordinators/reports.html",
        reports=mentorships.problem_reports(),
        circle_reports=circles.circle_reports(),
    )


@bp.post("/reports/<int:report_id>/resolve")
def resolve_report(report_id: int):
    report = db.get_or_404(ProblemReport, report_id)
    with transaction():
        mentorships.resolve_report(current_user, report)
    flash(_("The report is marked resolved."), "success")
    return redirect(url_for("coordinators.reports"))


@bp.post("/circle-reports/<int:report_id>/resolve")
def resolve_circle_report(report_id: int):
    report = db.get_or_404(CircleReport, report_id)
    with transaction():
        circles.resolve_circle_report(current_user, report)
    flash(_("The report is marked resolved."), "success")
    return redirect(url_for("coordinators.reports"))


@bp.get("/audit")
def audit():
    page = whole_number_arg("page", 1, minimum=1)
    found = events.audit_page(page, AUDIT_PAGE_SIZE)
    names = Names(found)
    return render_template(
        "coordinators/audit.html",
        events=found.events,
        lines=[(event, describe(event, names)) for event in found.events.items],
    )


@bp.get("/people")
def people():
    """People imported from a spreadsheet, who sign in only with a one-time link."""
    return render_template("coordinators/people.html", people=accounts.imported_without_password())


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
        questions = mentorships.offboarding_questions()
        form.questions.data = "\n".join(question_label(q["label"]) for q in questions)
    if form.validate_on_submit():
        with transaction():
            mentorships.save_offboarding_template(current_user, form.questions.data.splitlines())
        flash(_("The off-boarding questions are saved."), "success")
        return redirect(url_for("coordinators.offboarding_template"))
    return render_template("coordinators/template.html", form=form), 422 if form.errors else 200


def _term_form(standings: list[coordinator_terms.Standing]) -> CoordinatorTermForm:
    form = CoordinatorTermForm(prefix="term")
    form.person_id.choices = [(s.person.id, s.person.username) for s in standings]
    if form.person_id.data is None:
        form.person_id.data = current_user.id
    return form


def _render_terms(term_form=None, handover_form=None):
    today = date.today()
    standings = coordinator_terms.standings(today)
    term_form = term_form or _term_form(standings)
    handover_form = handover_form or HandoverForm(prefix="handover")
    return render_template(
        "coordinators/terms.html",
        standings=standings,
        term_form=term_form,
        handover_form=handover_form,
        handover=coordinator_terms.pending_handover_from(current_user),
        work=coordinator_work(),
    ), max(form_status(term_form), form_status(handover_form))


@bp.get("/terms")
def terms():
    """Coordinators and their terms, and the hand-over to a successor."""
    return _render_terms()


@bp.post("/terms")
def add_term():
    form = _term_form(coordinator_terms.standings(date.today()))
    added = submit(
        form,
        lambda: coordinator_terms.add_coordinator_term(
            current_user,
            db.session.get(Person, form.person_id.data),
            form.starts_on.data,
            form.ends_on.data,
            date.today(),
        ),
    )
    if added:
        flash(_("The term is added."), "success")
        return redirect(url_for("coordinators.terms"))
    return _render_terms(term_form=form)


@bp.post("/handover")
def nominate():
    form = HandoverForm(prefix="handover")
    invited = submit(
        form,
        lambda: coordinator_terms.nominate_successor(
            current_user, form.successor.data, form.ends_on.data, form.note.data, date.today()
        ),
    )
    if invited:
        flash(_("Your invitation is sent. It waits on their start page."), "success")
        return redirect(url_for("coordinators.terms"))
    return _render_terms(handover_form=form)


@bp.post("/handover/<int:handover_id>/cancel")
def cancel_handover(handover_id: int):
    handover = db.get_or_404(Handover, handover_id)
    with transaction():
        coordinator_terms.cancel_handover(current_user, handover)
    flash(_("Your invitation is withdrawn."), "success")
    return redirect(url_for("coordinators.terms"))
