"""What each kind of job does: the one service it calls, the work it holds (two jobs
holding the same work never run at once), and its result as plain data for the status
page (``batch_id`` links to the batch's review)."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Person
from ..services import DomainError, imports, lifecycle, mentor_requests

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    holds: str
    run: Callable[[dict, Person | None, Progress], dict]


def _batch_result(batch: mentor_requests.Batch) -> dict:
    return {
        "batch_id": batch.id,
        "proposed": len(batch.proposals),
        "circles": batch.circles,
        "unmatched": len(batch.unmatched),
    }


def _batch_pairing(params: dict, actor: Person | None, progress: Progress) -> dict:
    return _batch_result(mentor_requests.run_batch_pairing(actor, progress=progress))


def _succession(params: dict, actor: Person | None, progress: Progress) -> dict:
    mentor = db.session.get(Person, params["mentor_id"])
    if mentor is None:
        raise DomainError(_l("This mentor's account no longer exists."))
    batch = mentor_requests.propose_successors(actor, mentor, progress)
    return _batch_result(batch) | {"mentor": mentor.username}


def _profiles_import(params: dict, actor: Person | None, progress: Progress) -> dict:
    rows = imports.parse(params["text"], params["format"])
    summary = imports.write(rows, actor, source=params["source"], progress=progress)
    return {
        "source": params["source"],
        "mentors": len(summary.mentors),
        "mentees": len(summary.mentees),
        "requests": summary.requests,
    }


def _lifecycle_sweep(params: dict, actor: Person | None, progress: Progress) -> dict:
    return asdict(lifecycle.sweep(date.fromisoformat(params["today"]), progress))


KINDS = {
    kind.name: kind
    for kind in (
        Kind("batch_pairing", _l("Batch pairing"), "pairing", _batch_pairing),
        Kind("succession", _l("Succession"), "pairing", _succession),
        Kind("profiles_import", _l("Import of people"), "import", _profiles_import),
        Kind("lifecycle_sweep", _l("Lifecycle sweep"), "sweep", _lifecycle_sweep),
    )
}
# Parameters a finished job no longer needs: an import's text is dropped once written.
FORGOTTEN_WHEN_FINISHED = ("text",)
