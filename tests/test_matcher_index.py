import threading

import pytest

from matcher import (
    IndexCache,
    MenteeProfile,
    MentorIndex,
    MentorProfile,
    ProfileError,
    Reasons,
)

SKILL_CONTEXT = {
    "running-events": "Running events: editathons, meetups and workshops. Track: community",
    "community-organizing": "Community organizing: a local community. Track: community",
    "referencing": "Referencing: citing reliable sources. Track: content",
}


def mentor(id, skills=None, text="citations and reliable sources", languages=("en",), **kw):
    skills = {"referencing": 1.0} if skills is None else skills
    kw.setdefault("capacity_left", 2)
    return MentorProfile(id, frozenset(languages), skills, text, **kw)


def mentee(id=100, wants=None, text="citing sources", languages=("en",), **kw):
    wants = {"referencing": 1.0} if wants is None else wants
    return MenteeProfile(id, frozenset(languages), wants, text, **kw)


def suggested_ids(index, person, **kw):
    return [s.mentor_id for s in index.suggest(person, **kw)]


# Hard constraints: each one filters, however good the score.


def test_a_shared_language_is_required():
    index = MentorIndex([mentor(1, languages=["fr"]), mentor(2, languages=["fr", "en"])])
    assert suggested_ids(index, mentee(languages=["en", "de"])) == [2]


def test_unavailable_mentors_are_never_suggested():
    index = MentorIndex([mentor(1, available=False), mentor(2, text="something else")])
    assert suggested_ids(index, mentee()) == [2]


def test_mentors_without_capacity_are_never_suggested():
    index = MentorIndex([mentor(1, capacity_left=0), mentor(2, text="something else")])
    assert suggested_ids(index, mentee()) == [2]


def test_a_person_is_never_their_own_mentor():
    index = MentorIndex([mentor(100), mentor(2, text="something else")])
    assert suggested_ids(index, mentee(id=100)) == [2]


def test_excluded_mentors_are_never_proposed_again():
    index = MentorIndex([mentor(1), mentor(2, text="something else")])
    assert suggested_ids(index, mentee(excluded_mentors=frozenset({1}))) == [2]


# Scores, order, reasons


def test_suggestions_are_ranked_best_first_with_scores_in_unit_interval():
    index = MentorIndex(
        [
            mentor(1, {"referencing": 1.0}, "citing reliable sources in articles"),
            mentor(2, {"referencing": 0.3, "policy": 1.0}, "policy"),
            mentor(3, {"policy": 1.0}, "policy and governance"),
        ]
    )
    found = index.suggest(mentee(), top=5)
    # 3 teaches none of the wanted skills: after both who do, and the reasons say so
    assert [s.mentor_id for s in found][:2] == [1, 2]
    assert [s.reasons.teaches_none_wanted for s in found] == [False, False, True][: len(found)]
    assert 1.0 >= found[0].score > found[1].score > 0.0


def test_skills_dominate_and_text_refines():
    index = MentorIndex(
        [
            mentor(1, {"referencing": 1.0}, "templates and Lua modules"),
            mentor(2, {"policy": 1.0}, "citing sources, citing sources"),
            mentor(3, {"referencing": 1.0}, "citing sources for newcomers"),
        ]
    )
    assert suggested_ids(index, mentee(text="citing sources")) == [3, 1, 2]


def test_ties_break_by_mentor_id_and_results_are_deterministic():
    mentors = [mentor(i, text="citations") for i in (7, 3, 5, 4, 6)]
    index = MentorIndex(mentors)
    first = index.suggest(mentee(), top=3)
    assert [s.mentor_id for s in first] == [3, 4, 5]
    assert MentorIndex(reversed(mentors)).suggest(mentee(), top=3) == first


def test_top_and_min_score_limit_the_list():
    index = MentorIndex([mentor(1), mentor(2, {"referencing": 0.2, "policy": 1.0}), mentor(3)])
    assert len(index.suggest(mentee(), top=2)) == 2
    assert suggested_ids(index, mentee(), min_score=0.5) == [1, 3]
    assert index.suggest(mentee(), top=0) == []


def test_reasons_name_shared_skills_and_strongest_shared_words():
    index = MentorIndex(
        [
            mentor(
                1,
                {"running-events": 1.0, "referencing": 0.5, "policy": 0.2},
                "I run editathons in a library",
            )
        ]
    )
    person = mentee(
        wants={"running-events": 1.0, "referencing": 0.5, "governance": 1.0},
        text="Organising edit-a-thons at my library",
    )
    (found,) = index.suggest(person)
    assert found.reasons.shared_skills == ("running-events", "referencing")
    assert found.reasons.related_skills == ()
    assert set(found.reasons.shared_terms) == {"editathons", "library"}


def test_a_related_skill_gets_partial_credit_and_is_named():
    mentors = [
        mentor(1, {"community-organizing": 1.0}, "growing a local group"),
        mentor(2, {"referencing": 1.0}, "growing a local group"),
    ]
    person = mentee(wants={"running-events": 1.0}, text="growing a group")
    with_context = MentorIndex(mentors, SKILL_CONTEXT).suggest(person)
    without = MentorIndex(mentors).suggest(person)
    assert [s.mentor_id for s in with_context] == [1, 2]
    assert with_context[0].reasons == Reasons(
        (), ("community-organizing",), ("group", "growing"), teaches_none_wanted=True
    )
    assert with_context[0].score > without[0].score
    assert with_context[0].score < 0.7  # partial, never as good as the skill itself


def test_a_skill_nobody_else_has_does_not_crash():
    index = MentorIndex([mentor(1, {"wikisource-proofreading": 1.0})])
    assert index.suggest(mentee(wants={"lexemes": 1.0}, text="citing sources")) != []
    assert index.suggest(mentee(wants={"lexemes": 1.0}, text="zzyzx")) == []


def test_text_only_mentee_is_matched_on_words():
    index = MentorIndex([mentor(1), mentor(2, {"policy": 1.0}, "Lua templates and modules")])
    assert suggested_ids(index, mentee(wants={}, text="writing Lua modules"))[0] == 2


# Bad input


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: mentor(1, skills={}, text="   "), "text"),
        (lambda: mentee(wants={}, text=""), "text"),
        (lambda: mentor(1, capacity_left=-1), "capacity_left"),
        (lambda: mentor(1, languages=[]), "languages"),
        (lambda: mentee(languages=[]), "languages"),
        (lambda: mentor(1, skills={"referencing": -0.5}), "skills"),
        (lambda: mentee(wants={"referencing": float("nan")}), "wants"),
    ],
)
def test_structural_profile_errors_name_the_profile_and_field(build, field):
    with pytest.raises(ProfileError) as error:
        build()
    assert error.value.field == field
    assert error.value.profile_id in (1, 100)
    assert field in str(error.value)
    assert isinstance(error.value, ValueError)


def test_stop_word_only_mentor_without_skills_is_rejected_at_index_build():
    with pytest.raises(ProfileError, match="mentor 5: text") as error:
        MentorIndex([mentor(1), mentor(5, skills={}, text="the and of which")])
    assert error.value.profile_id == 5


def test_stop_word_only_mentee_without_wants_is_rejected_when_queried():
    index = MentorIndex([mentor(1)])
    person = mentee(id=42, wants={}, text="I would like to learn, please")
    with pytest.raises(ProfileError, match="mentee 42: text"):
        index.suggest(person)


def test_stop_word_only_text_is_fine_when_there_are_skills():
    index = MentorIndex([mentor(1, text="the and of")])
    assert suggested_ids(index, mentee(text="and the")) == [1]


def test_duplicate_mentor_ids_are_rejected():
    with pytest.raises(ProfileError, match="mentor 1: id"):
        MentorIndex([mentor(1), mentor(1)])


def test_an_empty_index_suggests_nothing():
    assert MentorIndex([]).suggest(mentee()) == []


# Cache


def test_cache_returns_the_same_index_for_the_same_version():
    cache, builds = IndexCache(), []

    def build():
        builds.append(1)
        return MentorIndex([mentor(1)])

    assert cache.get("v1", build) is cache.get("v1", build)
    assert len(builds) == 1


def test_cache_rebuilds_for_a_new_version_and_keeps_only_the_latest():
    cache = IndexCache(keep=1)
    old = cache.get("v1", lambda: MentorIndex([mentor(1)]))
    new = cache.get("v2", lambda: MentorIndex([mentor(1, capacity_left=0)]))
    assert new is not old
    assert cache.versions() == ("v2",)
    assert suggested_ids(new, mentee()) == []


def test_cache_builds_once_under_concurrent_requests():
    cache, builds, gate = IndexCache(), [], threading.Barrier(8)
    results = []

    def build():
        builds.append(1)
        return MentorIndex([mentor(1)])

    def worker():
        gate.wait()
        results.append(cache.get("v1", build))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert len({id(r) for r in results}) == 1


def test_a_failed_build_is_not_cached():
    cache = IndexCache()

    def broken():
        raise ProfileError("mentor", 3, "text", "holds only stop words")

    with pytest.raises(ProfileError):
        cache.get("v1", broken)
    assert cache.versions() == ()
    assert len(cache.get("v1", lambda: MentorIndex([mentor(1)]))) == 1


def test_the_matcher_never_imports_flask_or_the_app():
    import subprocess
    import sys

    code = (
        "import sys, matcher; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'pathways')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_of_the_matcher_resolves():
    import matcher

    assert all(getattr(matcher, name) is not None for name in matcher.__all__)
