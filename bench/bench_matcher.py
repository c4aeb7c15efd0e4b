"""Benchmark of the matcher on synthetic programs — a script, not a test.

    python bench/bench_matcher.py [--sizes small,medium,large | all] [--seed 7]

Synthetic programs as in ../shared/PERFORMANCE.md: mentees with 3 catalog skills and 30
words, mentors with 5 skills and 40 words, words drawn from a Zipf vocabulary of 5,000,
capacity 3, minimum score 0.05, top-30 candidates. Languages are added (everyone speaks
one of 8, 60 % also English) so the language filter does real work.

Each size runs in its own subprocess, so "peak RSS" (`resource.getrusage` max RSS of
that process: Python, numpy, SciPy, OR-Tools, everything) is the size's own peak, like
PERFORMANCE.md's "peak memory of the whole run".
"""

import argparse
import heapq
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher import (  # noqa: E402
    MenteeProfile,
    MentorIndex,
    MentorProfile,
    greedy_pair,
    pair,
)

SIZES = {"small": (1_000, 200), "medium": (10_000, 2_000), "large": (100_000, 10_000)}
# PERFORMANCE.md, same generator settings: (fit, top-10 scoring, naive, pairing end to end, RSS)
REFERENCE = {
    "small": {"fit_s": 0.05, "score_ms": 0.14, "naive_ms": 0.48, "pair_s": 0.012, "rss_mb": 170},
    "medium": {"fit_s": 0.37, "score_ms": 0.31, "naive_ms": 5.8, "pair_s": 0.26, "rss_mb": 285},
    "large": {"fit_s": 3.3, "score_ms": 1.4, "naive_ms": 31, "pair_s": 7.7, "rss_mb": 780},
}
VOCABULARY = 5_000
SKILLS = 60
LANGUAGES = ["en", "es", "fr", "ar", "hi", "de", "pt", "id"]
CONSONANTS, VOWELS = "bcdfghjklmnprtvz", "aeiou"


def _words() -> list[str]:
    words, i = [], 0
    while len(words) < VOCABULARY:
        n, word = i, ""
        for _ in range(3):
            n, c = divmod(n, len(CONSONANTS))
            n, v = divmod(n, len(VOWELS))
            word += CONSONANTS[c] + VOWELS[v]
        words.append(word + "n")
        i += 1
    return words


def programme(mentees: int, mentors: int, seed: int):
    rng = np.random.default_rng(seed)
    words = np.array(_words())
    zipf = 1.0 / np.arange(1, VOCABULARY + 1)
    zipf /= zipf.sum()
    skill_ids = [f"skill-{i:02d}" for i in range(SKILLS)]
    skill_p = 1.0 / np.arange(1, SKILLS + 1) ** 0.6
    skill_p /= skill_p.sum()

    def languages():
        spoken = {LANGUAGES[rng.integers(1, len(LANGUAGES))]}
        if rng.random() < 0.6:
            spoken.add("en")
        return frozenset(spoken)

    def skills(n):
        return [str(s) for s in rng.choice(skill_ids, size=n, replace=False, p=skill_p)]

    def text(n):
        return " ".join(rng.choice(words, size=n, p=zipf))

    mentor_list = [
        MentorProfile(
            id=i,
            languages=languages(),
            skills={s: float(rng.uniform(0.5, 1.0)) for s in skills(5)},
            text=text(40),
            capacity_left=3,
        )
        for i in range(mentors)
    ]
    mentee_list = [
        MenteeProfile(
            id=mentors + i,
            languages=languages(),
            wants=dict.fromkeys(skills(3), 1.0),
            text=text(30),
        )
        for i in range(mentees)
    ]
    return mentor_list, mentee_list


def naive_top(mentor_vectors, mentors, mentee_vector, mentee, top=10):
    """The naive way: a Python loop over dict vectors, with the same hard constraints."""
    scored = []
    for vector, mentor in zip(mentor_vectors, mentors, strict=True):
        if not (mentor.available and mentor.capacity_left > 0):
            continue
        if mentor.id == mentee.id or mentor.id in mentee.excluded_mentors:
            continue
        if not mentor.languages & mentee.languages:
            continue
        score = sum(w * vector.get(f, 0.0) for f, w in mentee_vector.items())
        if score > 0:
            scored.append((score, -mentor.id))
    return heapq.nlargest(top, scored)


def _dicts(matrix):
    return [
        dict(zip(matrix.indices[a:b].tolist(), matrix.data[a:b].tolist(), strict=True))
        for a, b in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
    ]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(name: str, seed: int) -> dict:
    n_mentees, n_mentors = SIZES[name]
    mentors, mentees = programme(n_mentees, n_mentors, seed)
    result = {"size": name, "mentees": n_mentees, "mentors": n_mentors}
    result["rss_profiles_mb"] = _rss_mb()

    started = time.perf_counter()
    index = MentorIndex(mentors)
    result["fit_s"] = time.perf_counter() - started

    rng = np.random.default_rng(seed + 1)
    probes = [mentees[i] for i in rng.choice(n_mentees, size=min(300, n_mentees), replace=False)]
    timings, scoring = [], []
    for mentee in probes:
        started = time.perf_counter()
        index.suggest(mentee, top=10)
        timings.append(time.perf_counter() - started)
    encoded = index.encode(probes).rows
    for i, mentee in enumerate(probes):
        started = time.perf_counter()
        scores = index.scores(encoded[i])
        rows = np.flatnonzero(index.eligible_mask(mentee) & (scores > 0))
        index.best(rows, scores[rows], 10)
        scoring.append(time.perf_counter() - started)
    mentor_vectors, probe_vectors = _dicts(index.matrix), _dicts(encoded)
    naive = []
    for vector, mentee in zip(probe_vectors, probes, strict=True):
        started = time.perf_counter()
        naive_top(mentor_vectors, index.mentors, vector, mentee)
        naive.append(time.perf_counter() - started)
    del mentor_vectors, probe_vectors
    result["suggest_ms"] = statistics.median(timings) * 1e3
    result["score_ms"] = statistics.median(scoring) * 1e3
    result["naive_ms"] = statistics.median(naive) * 1e3

    marks = []
    started = time.perf_counter()
    assignment = pair(
        index,
        mentees,
        min_score=0.05,
        candidates=30,
        progress=lambda d, t: marks.append((d, t, time.perf_counter())),
    )
    result["pair_s"] = time.perf_counter() - started
    # progress marks: the last chunk of candidates, then the solved flow
    result["candidates_s"] = marks[-2][2] - started
    result["flow_end_s"] = marks[-1][2] - started
    result["flow_s"] = result["flow_end_s"] - result["candidates_s"]
    result["progress_calls"] = len(marks)
    result["pairs"] = len(assignment.pairs)
    result["total"] = assignment.total_score
    result["unmatched"] = {
        code.value: sum(1 for c in assignment.unmatched.values() if c is code)
        for code in set(assignment.unmatched.values())
    }
    result["rss_peak_mb"] = _rss_mb()
    if name != "large":
        started = time.perf_counter()
        result["greedy_total"] = greedy_pair(index, mentees, 0.05, 30).total_score
        result["greedy_s"] = time.perf_counter() - started
    return result


def report(r: dict) -> None:
    ref = REFERENCE[r["size"]]

    def line(label: str, value: float, unit: str, key: str | None = None, note: str = ""):
        versus = f"  (PERFORMANCE.md {ref[key]:g}; ×{value / ref[key]:.1f})" if key else ""
        print(f"{label:<42}{value:10.3f} {unit:<3}{versus}{note}")

    print(f"\n== {r['size']}: {r['mentees']:,} mentees × {r['mentors']:,} mentors")
    line("fit MentorIndex (text + skills)", r["fit_s"], "s", "fit_s")
    line("one suggestion, top-10: scoring + filter", r["score_ms"], "ms", "score_ms")
    line("one suggestion, full (encode + reasons)", r["suggest_ms"], "ms", note="  target < 10")
    line(
        "same top-10, naive Python dict loops",
        r["naive_ms"],
        "ms",
        "naive_ms",
        f"  naive is ×{r['naive_ms'] / r['score_ms']:.0f} the fast scoring,"
        f" ×{r['naive_ms'] / r['suggest_ms']:.1f} the full suggestion",
    )
    line("batch pairing, end to end", r["pair_s"], "s", "pair_s")
    line("  of which candidates (encode + top-n)", r["candidates_s"], "s")
    line("  of which min-cost flow", r["flow_s"], "s")
    line("  of which reasons + unmatched codes", r["pair_s"] - r["flow_end_s"], "s")
    print(f"{'':<42}{r['pairs']:,} pairs, total score {r['total']:.1f}")
    if "greedy_total" in r:
        line(
            "greedy baseline (same candidates)",
            r["greedy_s"],
            "s",
            note=f"  total {r['greedy_total']:.1f}; optimal / greedy ="
            f" {r['total'] / r['greedy_total']:.4f}",
        )
    print(f"{'unmatched by reason':<42}{r['unmatched']}")
    line(
        "peak RSS of this size's process",
        r["rss_peak_mb"],
        "MB",
        "rss_mb",
        f"  ({r['rss_profiles_mb']:.0f} MB after generating the profiles)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium", help="comma list, or 'all'")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.seed)))
        return
    sizes = list(SIZES) if args.sizes == "all" else args.sizes.split(",")
    print(f"matcher benchmark, seed {args.seed}; times are wall clock on this machine")
    for name in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", name, "--seed", str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        report(result)
        if not math.isfinite(result["total"]):
            raise SystemExit("non-finite total")


if __name__ == "__main__":
    main()
