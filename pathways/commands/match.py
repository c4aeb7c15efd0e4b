"""``flask match``: mentor suggestions for one person, and a batch run of proposals."""

import json

import click
from flask.cli import AppGroup

from matcher import ProfileError, Reasons

from ..catalog import get_catalog
from ..services import accounts, mentor_requests
from ..services.matching import reasons_to_dict, suggest_for_person
from .jobs import run_job

match = AppGroup("match", help="Suggest mentors and propose pairs for coordinators.")

UNMATCHED_EXPLAINED = {
    "no_mentors": "there is no mentor yet",
    "no_shared_language": "no mentor shares a language with them",
    "all_excluded": "every mentor who shares a language was rejected or paired with them before",
    "no_capacity": "the mentors who fit have no free place (or better pairs took them)",
    "below_threshold": "no mentor fits well enough (every score is below MATCH_MIN_SCORE)",
    "invalid_profile": "their profile has nothing to match on (no wanted skills, no text)",
}


def _skill_name(skill_id: str) -> str:
    skill = get_catalog().skills.get(skill_id)
    return skill.name if skill else skill_id


def reason_phrases(reasons: Reasons | dict) -> list[str]:
    """Readable reasons, strongest first: taught skills, related skills, shared words."""
    data = reasons_to_dict(reasons) if isinstance(reasons, Reasons) else reasons
    return [
        *(f"teaches {_skill_name(s)}" for s in data.get("shared_skills", ())),
        *(f"teaches a related skill: {_skill_name(s)}" for s in data.get("related_skills", ())),
        *(f"shared interest: {term}" for term in data.get("shared_terms", ())),
        *(["teaches none of the requested skills"] if data.get("teaches_none_wanted") else []),
    ]


@match.command("suggest")
@click.argument("username")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="A JSON list, best first.")
def suggest(username: str, top: int, as_json: bool) -> None:
    """The best mentors for USERNAME: for their waiting request, else for their profile."""
    person = accounts.find_by_username(username)
    if person is None:
        raise click.ClickException(f"No person is called {username!r}.")
    try:
        suggestions = suggest_for_person(person, top)
    except ProfileError as error:
        raise click.ClickException(
            f"{person.username} has nothing to match on ({error.field}): add wanted skills "
            "or interests to their profile, or a request."
        ) from error
    if as_json:
        rows = [
            {
                "mentor": s.mentor.username,
                "score": round(s.score, 4),
                "reasons": reason_phrases(s.reasons),
                "details": reasons_to_dict(s.reasons),
            }
            for s in suggestions
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not suggestions:
        click.echo(f"No mentor fits {person.username} now.")
    for rank, s in enumerate(suggestions, 1):
        why = "; ".join(reason_phrases(s.reasons)) or "languages and availability only"
        click.echo(f"{rank}. {s.mentor.username}  {s.score:.3f}  {why}")


def batch_as_dict(batch_id: str) -> dict:
    """A stored batch as plain data: its proposals and the requests it left unmatched."""
    listing = mentor_requests.batch_listing(batch_id)
    return {
        "batch_id": batch_id,
        "proposals": [
            {
                "request": p.request_id,
                "mentee": p.mentee,
                "mentor": p.mentor,
                "score": round(p.score, 4),
                "reasons": reason_phrases(p.reasons),
            }
            for p in listing.proposals
        ],
        "unmatched": [
            {
                "request": request_id,
                "mentee": mentee,
                "reason": reason,
                "explanation": UNMATCHED_EXPLAINED.get(reason, reason),
            }
            for request_id, mentee, reason in listing.unmatched
        ],
    }


@match.command("propose")
@click.option("--json", "as_json", is_flag=True, help="The batch as one JSON object.")
def propose(as_json: bool) -> None:
    """Propose the best pairing for every waiting request, for coordinators to approve.

    Earlier pending proposals of these requests are superseded; nothing is approved.
    Runs as a job: on a worker when REDIS_URL is set, else here.
    """
    job = run_job("batch_pairing", {}, "Pairing", bar=not as_json)
    batch = batch_as_dict(job.result["batch_id"])
    if as_json:
        click.echo(json.dumps(batch, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Batch {batch['batch_id']}: {len(batch['proposals'])} proposals, "
        f"{len(batch['unmatched'])} unmatched. Coordinators approve them in the queue."
    )
    for p in batch["proposals"]:
        why = "; ".join(p["reasons"]) or "languages and availability only"
        click.echo(f"  {p['mentee']} -> {p['mentor']}  {p['score']:.3f}  {why}")
    if batch["unmatched"]:
        click.echo("Unmatched:")
    for u in batch["unmatched"]:
        click.echo(f"  {u['mentee']}: {u['explanation']} ({u['reason']})")
