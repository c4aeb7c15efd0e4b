from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Job, JobState, RoleName
from . import bp, runner
from .kinds import KINDS

REFRESH_SECONDS = 2


def _visible(job_id: int) -> Job:
    """The job, if the signed-in person started it or coordinates the program."""
    job = db.get_or_404(Job, job_id)
    if job.started_by_id != current_user.id and not current_user.has_role(RoleName.COORDINATOR):
        abort(403)
    return job


def _result_url(job: Job) -> str | None:
    """Where a finished job's result is seen: the batch it proposed, the people imported."""
    if job.state != JobState.FINISHED:
        return None
    if "batch_id" in job.result:
        return url_for("coordinators.batch_review", batch_id=job.result["batch_id"])
    if job.kind == "profiles_import":
        return url_for("coordinators.people")
    return None


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = _visible(job_id)
    stale = runner.is_stale(job)
    return render_template(
        "jobs/job.html",
        job=job,
        kind=KINDS[job.kind],
        starter=runner.starter_name(job),
        stale=stale,
        refresh=REFRESH_SECONDS if not (job.ended or stale) else None,
        result_url=_result_url(job),
    )


@bp.post("/<int:job_id>/retry")
@login_required
def retry(job_id: int):
    job = runner.retry(_visible(job_id), current_user)
    return redirect(url_for("jobs.show", job_id=job.id))
