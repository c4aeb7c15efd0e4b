"""`flask match suggest` and `flask match propose`, on a program imported from data/demo."""

import json

import pytest
from sqlalchemy import select

from pathways.commands.jobs import JobProgress as BatchProgress
from pathways.commands.match import reason_phrases
from pathways.config import REPO_ROOT
from pathways.extensions import db
from pathways.models import (
    MatchProposal,
    ProposalState,
    RequestState,
    RoleName,
    SkillStance,
    Stance,
)
from pathways.services import accounts, mentor_requests, transaction
from pathways.services.matching import person_profile

DEMO = REPO_ROOT / "data" / "demo"


@pytest.fixture
def program(runner):
    for name in ("program.csv", "program.jsonl"):
        result = runner.invoke(args=["profiles", "import", str(DEMO / name)])
        assert result.exit_code == 0, result.output


def invoke_json(runner, *args):
    result = runner.invoke(args=[*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_suggest_json_is_a_best_first_list_with_the_issue_keys(runner, program):
    rows = invoke_json(runner, "match", "suggest", "lucía-mapas")
    assert rows, "a Spanish-speaking mentor teaches referencing"
    assert all({"mentor", "score", "reasons"} <= row.keys() for row in rows)
    assert all(isinstance(row["score"], float) for row in rows)
    assert all(isinstance(reason, str) for row in rows for reason in row["reasons"])
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0]["mentor"] == "Amaru_Qillqa"
    assert "teaches Referencing" in rows[0]["reasons"]
    assert "referencing" in rows[0]["details"]["shared_skills"]
    assert {row["mentor"] for row in rows} <= {
        "Amaru_Qillqa",
        "Fatou Ndiaye",
        "Rahul.Wiki",
        "Siosaia_T",
        "Joana Edita",
    }


def test_suggest_respects_languages_and_top(runner, program):
    rows = invoke_json(runner, "match", "suggest", "Mariana_Bib")  # speaks Portuguese only
    assert [row["mentor"] for row in rows] == ["Joana Edita"]
    assert invoke_json(runner, "match", "suggest", "Priya_Bots", "--top", "1")[0]["mentor"] == (
        "Rahul.Wiki"
    )
    result = runner.invoke(args=["match", "suggest", "Priya_Bots", "--top", "2"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("1. Rahul.Wiki  ")
    assert "teaches Writing template code" in first


def test_suggest_without_a_request_uses_stances_ladder_and_interests(runner, program, make_person):
    volunteer = make_person(username="Olu", languages=("en",))
    with transaction():
        volunteer.interests = "Lua modules and infobox templates"
        db.session.add(
            SkillStance(person_id=volunteer.id, skill_id="code-templates", stance=Stance.LEARNING)
        )
        db.session.add(
            SkillStance(person_id=volunteer.id, skill_id="referencing", stance=Stance.CONFIDENT)
        )
    profile = person_profile(volunteer)
    assert profile.wants == {"code-templates": 1.0}
    assert profile.text == "Lua modules and infobox templates"
    rows = invoke_json(runner, "match", "suggest", "Olu")
    assert rows[0]["mentor"] == "Rahul.Wiki"
    assert "teaches Writing template code" in rows[0]["reasons"]


def test_suggest_for_someone_with_nothing_to_match_on_fails_clearly(runner, program, make_person):
    make_person(username="Quiet")
    result = runner.invoke(args=["match", "suggest", "Quiet"])
    assert result.exit_code == 1
    assert "Quiet has nothing to match on" in result.output


def test_suggest_unknown_username_fails_clearly(runner, program):
    result = runner.invoke(args=["match", "suggest", "Nobody", "--json"])
    assert result.exit_code == 1
    assert "No person is called 'Nobody'." in result.output
    assert result.stdout == ""


def test_propose_stores_pending_proposals_and_explains_the_unmatched(runner, program):
    with transaction():
        loner = accounts.create_person("Kenji", None, {RoleName.VOLUNTEER}, languages=["ja"])
        loner.interests = "木版画"
        mentor_requests.request_mentor(loner, ["referencing"], "")
    result = runner.invoke(args=["match", "propose"])
    assert result.exit_code == 0, result.output
    assert "7 proposals, 1 unmatched" in result.output
    assert "  Mariana_Bib -> Joana Edita  " in result.output
    assert "Unmatched:\n  Kenji: no mentor shares a language with them (no_shared_language)" in (
        result.output
    )
    proposals = db.session.scalars(select(MatchProposal)).all()
    assert len(proposals) == 7
    assert {p.state for p in proposals} == {ProposalState.PENDING}
    assert len({p.batch_id for p in proposals}) == 1
    assert {p.request.state for p in proposals} == {RequestState.PROPOSED}
    assert all(p.reasons["shared_skills"] or p.reasons["shared_terms"] for p in proposals)


def test_propose_json_and_a_second_run_supersedes_the_first(runner, program):
    first = invoke_json(runner, "match", "propose")
    second = invoke_json(runner, "match", "propose")
    assert set(second) == {"batch_id", "proposals", "unmatched"}
    assert second["unmatched"] == []
    pairs = {(p["mentee"], p["mentor"]) for p in second["proposals"]}
    assert ("Priya_Bots", "Rahul.Wiki") in pairs
    assert all(
        {"request", "mentee", "mentor", "score", "reasons"} == p.keys() for p in second["proposals"]
    )
    states = {p.batch_id: p.state for p in db.session.scalars(select(MatchProposal))}
    assert states[first["batch_id"]] == ProposalState.SUPERSEDED
    assert states[second["batch_id"]] == ProposalState.PENDING


def test_propose_with_nobody_waiting(runner):
    result = runner.invoke(args=["match", "propose"])
    assert result.exit_code == 0, result.output
    assert "0 proposals, 0 unmatched" in result.output


def test_reason_phrases_read_like_sentences():
    reasons = {
        "shared_skills": ["referencing"],
        "related_skills": ["using-sandbox"],
        "shared_terms": ["editathon"],
    }
    assert reason_phrases(reasons) == [
        "teaches Referencing",
        "teaches a related skill: Using the sandbox",
        "shared interest: editathon",
    ]


def test_progress_bar_follows_the_matcher_and_only_on_long_runs(capsys):
    with BatchProgress() as progress:
        progress(1, 2)
        assert progress.bar is None
        progress(1, 10)
        progress(4, 10)
        progress(2, 10)  # a restart after a refused profile never moves backwards
        progress(10, 10)
        assert progress.bar.pos == 10
    with BatchProgress(enabled=False) as progress:
        progress(5, 10)
        assert progress.bar is None
    assert "Pairing" in capsys.readouterr().err
