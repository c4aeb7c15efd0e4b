"""Batch pairing: each mentee's best eligible candidates, then one optimal assignment.

Candidates: for each language, the mentees speaking it are multiplied with the eligible
mentors speaking it by `sparse_dot_topn.sp_matmul_topn` in chunks of rows, keeping only
each row's top few: no dense mentees × mentors block is ever built, and every candidate
already satisfies the language, availability and capacity constraints. Self-pairs and
excluded mentors are filtered afterwards; the few mentees with more exclusions than the
headroom kept for them are scored one by one instead, so every mentee gets its exact
top `candidates` eligible mentors (up to ties at the cut, which `sp_matmul_topn`
rather than the mentor id resolves when more than `HEADROOM` mentors tie there).

Assignment: a min-cost flow (OR-Tools `SimpleMinCostFlow`) source → mentee (1) →
mentor (1 per candidate arc, cost −score) → sink (`capacity_left`), plus a free
source → sink arc so a mentee may stay unmatched. A mentee with a candidate who teaches a
wanted skill keeps only such candidates (`_teachers_first`). Its minimum cost is the maximum total
score subject to every mentor's capacity. Scores become integers (× 10⁶); arcs are
added in a fixed order (mentee id, score desc, mentor id) so ties break the same way
on every run.
"""

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
from sparse_dot_topn import sp_matmul_topn

from .profiles import Assignment, MenteeProfile, Pair, ProfileError
from .suggest import SCORE_UNITS, MentorIndex, score_units

__all__ = ["Candidates", "candidate_pairs", "greedy_pair", "pair"]

Progress = Callable[[int, int], None]

HEADROOM = 10  # extra candidates kept per language group, to survive exclusions
CHUNK_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate arcs as parallel arrays, sorted by mentee row, score desc, mentor row.

    Rows refer to the mentees as sorted by id (`mentees`) and to `index.mentors`."""

    mentees: tuple[MenteeProfile, ...]
    mentee_rows: np.ndarray
    mentor_rows: np.ndarray
    scores: np.ndarray


def _sorted_mentees(mentees: Sequence[MenteeProfile]) -> tuple[MenteeProfile, ...]:
    ordered = tuple(sorted(mentees, key=lambda m: m.id))
    for before, after in itertools.pairwise(ordered):
        if before.id == after.id:
            raise ProfileError("mentee", after.id, "id", "appears more than once")
    return ordered


def candidate_pairs(
    index: MentorIndex,
    mentees: Sequence[MenteeProfile],
    min_score: float = 0.05,
    candidates: int = 30,
    progress: Progress | None = None,
) -> Candidates:
    """Each mentee's top `candidates` eligible mentors scoring ≥ `min_score` (and > 0).

    `progress(done, total)` is called after each chunk of rows."""
    ordered = _sorted_mentees(mentees)
    return _candidates(
        index, ordered, index.encode(ordered).rows, min_score, candidates, progress, 0
    )


def _candidates(
    index, ordered, encoded, min_score, candidates, progress, steps_after
) -> Candidates:
    one_by_one = [i for i, m in enumerate(ordered) if len(m.excluded_mentors) > HEADROOM]
    groups: dict[str, list[int]] = {}
    for i, mentee in enumerate(ordered):
        if len(mentee.excluded_mentors) <= HEADROOM:
            for language in mentee.languages & index.speaks.keys():
                groups.setdefault(language, []).append(i)
    plan = []
    for language, rows in sorted(groups.items()):
        columns = np.flatnonzero(index.eligible & index.speaks[language])
        if len(columns):
            rows = np.array(rows)
            plan.append(
                (columns, [rows[s : s + CHUNK_ROWS] for s in range(0, len(rows), CHUNK_ROWS)])
            )
    total = sum(len(chunks) for _, chunks in plan) + (1 if one_by_one else 0) + steps_after
    done = 0
    parts_q, parts_r, parts_s = [], [], []
    for columns, chunks in plan:
        mentors_t = index.matrix[columns].T.tocsr()
        for rows in chunks:
            product = sp_matmul_topn(
                encoded[rows],
                mentors_t,
                top_n=min(candidates + 1 + HEADROOM, len(columns)),
                threshold=min_score - 1e-6,
                n_threads=os.cpu_count() or 1,
            ).tocoo()
            parts_q.append(rows[product.row])
            parts_r.append(columns[product.col])
            parts_s.append(product.data)
            done += 1
            if progress:
                progress(done, total)
    for i in one_by_one:
        scores = index.scores(encoded[i])
        found = np.flatnonzero(
            index.eligible_mask(ordered[i]) & (scores >= min_score) & (scores > 0)
        )
        found = index.best(found, scores[found], candidates)
        parts_q.append(np.full(len(found), i))
        parts_r.append(found)
        parts_s.append(scores[found])
    if one_by_one and progress:
        progress(done + 1, total)
    return _cleaned(index, ordered, parts_q, parts_r, parts_s, min_score, candidates)


def _cleaned(index, ordered, parts_q, parts_r, parts_s, min_score, candidates) -> Candidates:
    q = np.concatenate(parts_q or [np.zeros(0, np.int64)]).astype(np.int64)
    r = np.concatenate(parts_r or [np.zeros(0, np.int64)]).astype(np.int64)
    s = np.clip(np.concatenate(parts_s or [np.zeros(0, np.float32)]).astype(np.float32), 0.0, 1.0)
    mentee_ids = np.array([m.id for m in ordered], dtype=np.int64)
    excluded = np.array(
        [
            i * len(index) + row
            for i, m in enumerate(ordered)
            if m.excluded_mentors
            for row in index.blocked_rows(m)
        ],
        dtype=np.int64,
    )
    keep = (s >= min_score) & (s > 0) & (index.ids[r] != mentee_ids[q])
    if len(excluded):
        keep &= ~np.isin(q * len(index) + r, excluded)
    q, r, s = q[keep], r[keep], s[keep]
    q, r, s = _deduplicated(q, r, s, len(ordered), len(index))
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]]) if len(q) else np.zeros(0, np.int64)
    rank = np.arange(len(q)) - np.repeat(starts, np.diff(np.r_[starts, len(q)]))
    keep = rank < candidates
    return Candidates(ordered, q[keep], r[keep], s[keep])


def _deduplicated(q, r, s, n_mentees, n_mentors):
    """Sorted by mentee, score desc (to six decimals), mentor; each pair once (a mentor
    sharing two languages with a mentee is found twice)."""
    units = score_units(s)
    if n_mentees * n_mentors < np.iinfo(np.int64).max // (SCORE_UNITS + 1):
        # one int64 key sorts ~20× faster than a three-key lexsort of millions of arcs
        key = (q * (SCORE_UNITS + 1) + (SCORE_UNITS - units)) * n_mentors + r
        order = np.argsort(key)
        first = np.r_[True, key[order][1:] != key[order][:-1]]
    else:
        order = np.lexsort((r, -units, q))
        first = np.r_[True, (np.diff(q[order]) != 0) | (np.diff(r[order]) != 0)]
    order = order[first[: len(order)]]
    return q[order], r[order], s[order]


def _teachers_first(index: MentorIndex, found: Candidates, wants) -> Candidates:
    """Without the arcs to mentors who teach none of the wanted skills, for each mentee
    with a candidate who teaches one: such a mentor is only a last resort."""
    teaches = index.teaches(wants, found.mentee_rows, found.mentor_rows)
    has_teacher = np.zeros(len(found.mentees), dtype=bool)
    has_teacher[found.mentee_rows[teaches]] = True
    keep = teaches | ~has_teacher[found.mentee_rows]
    return Candidates(
        found.mentees, found.mentee_rows[keep], found.mentor_rows[keep], found.scores[keep]
    )


def _solve_flow(index: MentorIndex, found: Candidates) -> np.ndarray:
    n = len(found.mentees)
    used, mentor_slot = np.unique(found.mentor_rows, return_inverse=True)
    source, sink = 0, 1
    mentee_node = 2 + np.arange(n)
    mentor_node = 2 + n + np.arange(len(used))
    tails = np.concatenate(
        [[source], np.full(n, source), mentee_node[found.mentee_rows], mentor_node]
    )
    heads = np.concatenate(
        [[sink], mentee_node, mentor_node[mentor_slot], np.full(len(used), sink)]
    )
    capacities = np.concatenate(
        [[n], np.ones(n + len(found.scores), np.int64), index.capacity[used]]
    )
    costs = np.concatenate(
        [
            np.zeros(1 + n, np.int64),
            -score_units(found.scores),
            np.zeros(len(used), np.int64),
        ]
    )
    flow = SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64), costs
    )
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    pair_arcs = arcs[1 + n : 1 + n + len(found.scores)]
    return flow.flows(pair_arcs) > 0


def _greedy_choice(index: MentorIndex, found: Candidates) -> np.ndarray:
    left = index.capacity.copy()
    taken = np.zeros(len(found.mentees), dtype=bool)
    chosen = np.zeros(len(found.scores), dtype=bool)
    for arc in np.lexsort((found.mentor_rows, found.mentee_rows, -found.scores)):
        q, r = found.mentee_rows[arc], found.mentor_rows[arc]
        if not taken[q] and left[r] > 0:
            taken[q], chosen[arc] = True, True
            left[r] -= 1
    return chosen


def _assignment(index, mentees, min_score, candidates, progress, choose) -> Assignment:
    ordered = _sorted_mentees(mentees)
    encoded = index.encode(ordered)
    total = [1]

    def advance(done: int, steps: int) -> None:
        total[0] = steps
        progress(done, steps)

    found = _candidates(
        index, ordered, encoded.rows, min_score, candidates, progress and advance, 1
    )
    found = _teachers_first(index, found, encoded.wants)
    chosen = choose(index, found)
    if progress:
        progress(total[0], total[0])
    q, r, s = found.mentee_rows[chosen], found.mentor_rows[chosen], found.scores[chosen]
    reasons = index.reasons(encoded, q, r)
    pairs = [
        Pair(ordered[i].id, mentor_id, score, why)
        for i, mentor_id, score, why in zip(
            q.tolist(), index.ids[r].tolist(), s.tolist(), reasons, strict=True
        )
    ]
    matched = np.zeros(len(ordered), dtype=bool)
    matched[q] = True
    had = np.zeros(len(ordered), dtype=bool)
    had[found.mentee_rows] = True
    left = np.flatnonzero(~matched)
    why_not = index.unmatched_reasons(
        [ordered[i] for i in left], encoded.rows[left], had[left].tolist(), min_score
    )
    return Assignment(pairs, {ordered[i].id: code for i, code in zip(left, why_not, strict=True)})


def pair(
    index: MentorIndex,
    mentees: Sequence[MenteeProfile],
    min_score: float = 0.05,
    candidates: int = 30,
    progress: Progress | None = None,
) -> Assignment:
    """The assignment with the maximum total score such that no mentor gets more mentees
    than `capacity_left`, each mentee gets at most one mentor among their top
    `candidates` eligible ones, and no pair scores below `min_score`.

    `progress(done, total)` is called after each chunk of candidate generation and once
    more when solved (then done == total).
    Raises `ProfileError` for duplicate mentee ids or a stop-word-only mentee."""
    return _assignment(index, mentees, min_score, candidates, progress, _solve_flow)


def greedy_pair(
    index: MentorIndex,
    mentees: Sequence[MenteeProfile],
    min_score: float = 0.05,
    candidates: int = 30,
) -> Assignment:
    """Baseline for tests and the benchmark: best remaining arc first, same candidates."""
    return _assignment(index, mentees, min_score, candidates, None, _greedy_choice)
