"""Median time to build one ladder on the full catalog, warm (target: under 5 ms).

Run with the project installed: ``python bench/bench_ladder.py [runs]``.
"""

import statistics
import sys
import time

from pathways.catalog import get_catalog
from pathways.ladder import LadderRequest, Stance, build_ladder

TARGET_MS = 5.0


def sample_requests(catalog) -> dict[str, LadderRequest]:
    """A few volunteers who exercise different parts of the engine."""
    skill_ids = list(catalog.skills)
    role_ids = list(catalog.roles)
    return {
        "knows nothing, no goal": LadderRequest(),
        "newcomer aiming for every role": LadderRequest(goal_roles=tuple(role_ids)),
        "interests only": LadderRequest(
            interests="I love organizing editathons and meetups, and teaching newcomers "
            "how to add references and upload photos to Commons.",
            hours_per_week=2,
        ),
        "mixed stances, goals and interests": LadderRequest(
            stances={
                skill_id: list(Stance)[position % len(Stance)]
                for position, skill_id in enumerate(skill_ids)
            },
            goal_roles=tuple(role_ids[-2:]),
            interests="governance, strategy and supporting affiliates",
            hours_per_week=7.5,
        ),
        "knows everything": LadderRequest(
            stances=dict.fromkeys(skill_ids, Stance.CONFIDENT), hours_per_week=1
        ),
    }


def median_ms(catalog, request: LadderRequest, runs: int) -> float:
    """Median wall time of ``runs`` builds, in milliseconds, after one warm-up build."""
    build_ladder(catalog, request)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        build_ladder(catalog, request)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    """Print one median per sample request and the median over all of them."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    catalog = get_catalog()
    print(f"catalog: {len(catalog.skills)} skills, {len(catalog.roles)} roles; {runs} runs each")
    medians = []
    for label, request in sample_requests(catalog).items():
        medians.append(median_ms(catalog, request, runs))
        print(f"{label:<40} median {medians[-1]:7.3f} ms")
    overall = statistics.median(medians)
    verdict = "within" if overall < TARGET_MS else "OVER"
    print(f"{'median of medians':<40} {overall:7.3f} ms ({verdict} the {TARGET_MS} ms target)")


if __name__ == "__main__":
    main()
