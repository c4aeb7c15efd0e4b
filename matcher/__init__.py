"""The matching engine: mentor and mentee profiles in, ranked suggestions and pairs out.

Plain Python, no Flask and no `pathways` import; the app turns database rows into
profiles (computing `capacity_left`, `available` and `excluded_mentors`) and catalog
skills into `skill_context` text.

    index = MentorIndex(mentors, skill_context)        # fit once per mentor-set version
    index.suggest(mentee, top=5)                        # -> [Suggestion], best first
    pair(index, mentees, min_score=0.05, candidates=30) # -> Assignment (optimal)
    TextIndex({skill_id: text}).similarities(interests) # the ladder's interest ranking
    propose_circles(seekers, facilitators)              # -> CirclePlan (peer circles)

Design choices (details in each module's docstring):

* Score = 0.6 × skill cosine + 0.4 × text cosine, in [0, 1] (tuned on the labelled
  set, tests/data/matcher_labelled.yaml: precision@1 1.000 against 0.950 at 0.7/0.3).
  Skills are canonical ids, identical across languages, so they dominate; free text
  refines (and decides between mentors who teach the same skills). A mentor who teaches
  none of the wanted skills comes after every eligible one who does, in suggestions and
  in batch pairing, and `Reasons.teaches_none_wanted` says so. `fit_label` turns a
  score into "strong", "good" or "possible" (thresholds calibrated on the same set).
  Each block is TF-IDF, L2-normalised, scaled by √weight and stacked, so one sparse
  dot product gives the score (`vectorize`). A mentee's want also asks, at up to half
  weight, for skills whose catalog text is similar (`skill_context`), so a mentor of a
  related skill gets partial credit and the reason names it.
* Free text: markup and URLs stripped, stop words of every offered language removed,
  then character 4-grams (``char_wb``) of the remaining words for the score, and the
  whole words for the reasons (only words both wrote). Sublinear tf, Unicode accent
  folding, a token pattern that keeps combining marks (Devanagari), hyphen joining and
  plural folding (`text`). One definition, shared with the ladder through `TextIndex`.
* Hard constraints are filters, never penalties (`suggest.MentorIndex`): a shared
  language, mentor available with capacity_left > 0, not the mentee themself, not an
  excluded mentor.
* Batch pairing (`pairing`): per-language sparse top-n products (`sparse_dot_topn`),
  never a dense mentees × mentors matrix, then an OR-Tools min-cost flow with capacity
  on the mentor → sink arc, which maximises the total score; mentees may stay
  unmatched, each with an `UnmatchedReason`.
* Deterministic: mentors ordered by id, ties broken by score desc then mentor id, flow
  arcs added in a fixed order.
* Bad input raises `ProfileError` (a `ValueError`) naming the profile and field:
  structural problems when a profile is built, stop-word-only text (which depends on
  the vectorizer) when it is vectorized.
* `IndexCache` keeps the fitted index per caller-computed version; capacity and
  availability are part of the index, so a change to them is a new version.
"""

import importlib

# What each public name is, and the module that defines it. The modules are imported
# on first use (PEP 562), so that a program importing only the profiles (an app's
# models, its command-line start-up) does not pay for SciPy, sparse_dot_topn and OR-Tools
# (nor scikit-learn, which `text` imports only when it fits an index).
_HOME = {
    "IndexCache": "cache",
    "CirclePlan": "circles",
    "Facilitator": "circles",
    "GroupSeeker": "circles",
    "ProposedCircle": "circles",
    "propose_circles": "circles",
    "Candidates": "pairing",
    "candidate_pairs": "pairing",
    "greedy_pair": "pairing",
    "pair": "pairing",
    "Assignment": "profiles",
    "FIT_GOOD": "profiles",
    "FIT_STRONG": "profiles",
    "fit_label": "profiles",
    "MenteeProfile": "profiles",
    "MentorProfile": "profiles",
    "Pair": "profiles",
    "ProfileError": "profiles",
    "Reasons": "profiles",
    "Suggestion": "profiles",
    "UnmatchedReason": "profiles",
    "MentorIndex": "suggest",
    "unusable_mentees": "suggest",
    "TextIndex": "text",
    "strip_markup": "text",
    "analyze": "text",
    "SKILL_WEIGHT": "vectorize",
    "TEXT_WEIGHT": "vectorize",
    "preload": "text",
}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
