"""One Markdown report from the benchmarks' JSON figures, with a line per target.

    python -m bench.report --app app.json [--large large.json] [--web web.json …] -o REPORT.md

The targets are issue 13's; each line says met, not met, or not measured (a
benchmark that was not run, or a database that was not configured).
"""

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HELP_SECONDS, HELP_MB = 0.8, 120
IMPORT_SECONDS, IMPORT_MB = 3.0, 400
PAIRING_SECONDS, PAIRING_RATIO = 2.0, 2.5
LARGE_SECONDS, LARGE_MB = 25.0, 1536
FAST_PAGES = ("ladder", "request form", "mentor list", "coordinator queue")
FAST_P95_MS, DASHBOARD_P95_MS, SHARE_OF_BARE = 50.0, 200.0, 0.40
BATCH_START_SECONDS = 0.2
DATABASES = ("sqlite", "postgresql")


@dataclass
class Verdict:
    target: str
    measured: str
    met: bool | None  # None: not measured

    @property
    def word(self) -> str:
        return {True: "met", False: "**not met**", None: "not measured"}[self.met]


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"- {os.cpu_count()} cores ({cpu}), {memory_kb / 1024**2:.0f} GiB memory,"
        f" Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- load average when the report was written: {load} (a shared machine: other"
        " work running at the same time slows every figure; ratios within one run hold"
        " better than absolute times)",
        f"- written {time.strftime('%Y-%m-%d %H:%M %Z')}",
    ]


def _verdict(target: str, measured: str, *conditions: bool) -> Verdict:
    return Verdict(target, measured, all(conditions))


def _missing(target: str) -> Verdict:
    return Verdict(target, "—", None)


def app_targets(app: dict | None) -> list[Verdict]:
    verdicts = []
    help_target = f"`flask --app wsgi --help` ≤ {HELP_SECONDS} s and ≤ {HELP_MB} MB"
    if app and "help" in app:
        h = app["help"]
        verdicts.append(
            _verdict(
                help_target,
                f"{h['seconds']:.2f} s, {h['peak_mb']:.0f} MB"
                + (
                    f" (its libraries imported alone: {h['libraries_seconds']:.2f} s)"
                    if "libraries_seconds" in h
                    else ""
                ),
                h["seconds"] <= HELP_SECONDS,
                h["peak_mb"] <= HELP_MB,
            )
        )
    else:
        verdicts.append(_missing(help_target))
    for name in DATABASES:
        measured = (app or {}).get("databases", {}).get(name)
        start = (app or {}).get("help", {}).get("seconds")
        verdicts += _database_targets(name, measured, (app or {}).get("library"), start)
    return verdicts


def _database_targets(
    name: str, measured: dict | None, library: dict | None, start: float | None = None
) -> list[Verdict]:
    import_target = f"{name}: import 10k × 2k ≤ {IMPORT_SECONDS:g} s and ≤ {IMPORT_MB} MB"
    pairing_target = (
        f"{name}: batch pairing end to end ≤ {PAIRING_SECONDS:g} s and ≤ {PAIRING_RATIO}×"
        " the library alone"
    )
    queries_target = f"{name}: SQL statements per command constant in N"
    if measured is None or library is None:
        return [_missing(import_target), _missing(pairing_target), _missing(queries_target)]
    imp, propose = measured["import"], measured["propose"]
    # End to end as production runs it (queued to a worker) when that was measured
    queued = measured.get("queued_propose")
    seconds = (queued or propose)["seconds"]
    ratio = seconds / library["seconds"]
    how = (
        f"queued to a worker (production); {propose['seconds']:.2f} s in the command's process"
        if queued
        else "in the command's process"
    )
    if start is not None and "load_seconds" in library:
        floor = start + library["fit_seconds"] + library["pair_seconds"]
        how += f"; the floor, a command's start and the library's fit and pair, {floor:.2f} s"
    verdicts = [
        _verdict(
            import_target,
            f"{imp['seconds']:.2f} s, {imp['peak_mb']:.0f} MB",
            imp["seconds"] <= IMPORT_SECONDS,
            imp["peak_mb"] <= IMPORT_MB,
        ),
        _verdict(
            pairing_target,
            f"{seconds:.2f} s {how}; ×{ratio:.1f} the library's {library['seconds']:.2f} s",
            seconds <= PAIRING_SECONDS,
            ratio <= PAIRING_RATIO,
        ),
    ]
    probe = measured.get("probe")
    if probe is None:
        return [*verdicts, _missing(queries_target)]
    big = (imp["queries_per_file"][0], propose["queries"])
    small = (probe["import"]["queries_per_file"][0], probe["propose"]["queries"])
    verdicts.append(
        _verdict(
            queries_target,
            f"import {small[0]} → {big[0]}, propose {small[1]} → {big[1]} (small → full program)",
            big == small,
        )
    )
    return verdicts


def large_targets(large: dict | None) -> list[Verdict]:
    target = (
        f"postgresql: 100k × 10k batch pairing end to end ≤ {LARGE_SECONDS:g} s"
        f" and ≤ {LARGE_MB / 1024:g} GB"
    )
    measured = (large or {}).get("databases", {}).get("postgresql")
    if measured is None:
        return [_missing(target)]
    propose = measured["propose"]
    return [
        _verdict(
            target,
            f"{propose['seconds']:.1f} s, {propose['peak_mb']:.0f} MB",
            propose["seconds"] <= LARGE_SECONDS,
            propose["peak_mb"] <= LARGE_MB,
        )
    ]


def web_targets(web: dict | None, name: str) -> list[Verdict]:
    pages = (web or {}).get("pages", {})
    verdicts = []
    for page in (*FAST_PAGES, "dashboard"):
        limit = DASHBOARD_P95_MS if page == "dashboard" else FAST_P95_MS
        target = (
            f"{name} web: {page} p95 < {limit:g} ms and ≥ {SHARE_OF_BARE:.0%} of the bare"
            " route's req/s"
        )
        figures = pages.get(page)
        if figures is None:
            verdicts.append(_missing(target))
            continue
        verdicts.append(
            _verdict(
                target,
                f"p95 {figures['p95_ms']:.0f} ms, {figures['share_of_bare']:.1%} of bare",
                figures["p95_ms"] < limit,
                figures["share_of_bare"] >= SHARE_OF_BARE,
                figures["errors"] == 0,
            )
        )
    batch = (web or {}).get("batch")
    target = f"{name} web: starting a batch of 10k answers in < {BATCH_START_SECONDS * 1000:g} ms"
    if not batch or "seconds" not in batch:
        verdicts.append(Verdict(target, str(batch.get("error")) if batch else "—", None))
    else:
        verdicts.append(
            _verdict(
                target,
                f"{batch['seconds'] * 1000:.0f} ms (HTTP {batch.get('status', '—')})",
                batch["seconds"] < BATCH_START_SECONDS,
                batch.get("status") in (200, 302, 303),
            )
        )
    return verdicts


def _app_table(app: dict) -> list[str]:
    lib = app["library"]
    mentees, mentors = app["size"]
    lines = [
        f"### {mentees:,} mentees × {mentors:,} mentors",
        "",
        "| step | database | time | CPU | peak memory | SQL statements | app / library (CPU) |",
        "|---|---|---|---|---|---|---|",
        f"| matcher library alone (loading {lib.get('load_seconds', 0):.2f} s + fit"
        f" {lib['fit_seconds']:.2f} s + pair {lib['pair_seconds']:.2f} s) | — |"
        f" {lib['seconds']:.2f} s |"
        f" {lib['cpu_seconds']:.2f} s | {lib['process']['peak_mb']:.0f} MB | — | 1 |",
    ]
    for name, measured in app["databases"].items():
        imp, propose = measured["import"], measured["propose"]
        lines.append(
            f"| `profiles import` ({imp['files']} file(s)) | {name} | {imp['seconds']:.2f} s |"
            f" {imp['cpu_seconds']:.2f} s | {imp['peak_mb']:.0f} MB |"
            f" {', '.join(map(str, imp['queries_per_file']))} | |"
        )
        lines.append(
            f"| `match propose` | {name} | {propose['seconds']:.2f} s |"
            f" {propose['cpu_seconds']:.2f} s | {propose['peak_mb']:.0f} MB |"
            f" {propose['queries']} | ×{propose['seconds'] / lib['seconds']:.1f}"
            f" (×{propose['cpu_seconds'] / lib['cpu_seconds']:.1f}) |"
        )
        if queued := measured.get("queued_propose"):
            lines.append(
                f"| `match propose`, queued to a worker already listening | {name} |"
                f" {queued['seconds']:.2f} s | (the worker's) | | |"
                f" ×{queued['seconds'] / lib['seconds']:.1f} |"
            )
    if "help" in app:
        h = app["help"]
        lines.append(
            f"| `flask --app wsgi --help` (median of {h['runs']},"
            f" {h['seconds_min']:.2f}–{h['seconds_max']:.2f} s) | — | {h['seconds']:.2f} s | |"
            f" {h['peak_mb']:.0f} MB | | |"
        )
        if "libraries_seconds" in h:
            lines.append(
                f"| its {h['libraries']} third-party modules imported alone (the floor of any"
                f" command's start) | — | {h['libraries_seconds']:.2f} s | |"
                f" {h['libraries_mb']:.0f} MB | | |"
            )
    lines.append("")
    lines.append(
        f"Library: {lib['pairs']:,} pairs. "
        + " ".join(
            f"{name}: {m['propose_summary'].split(': ', 1)[-1].split('.')[0]}."
            for name, m in app["databases"].items()
        )
    )
    return lines


def _web_table(web: dict) -> list[str]:
    c = web["contents"]
    lines = [
        f"### Web, {web['database']}: gunicorn with {web.get('workers', 2)} workers,"
        f" {web['clients']} concurrent clients",
        "",
        f"Database: {c['people']:,} people, {c['mentors']:,} mentors,"
        f" {c['pending_proposals']:,} pending proposals.",
        "",
        "| page | req/s | p50 | p95 | share of the bare route's req/s | requests (errors) |",
        "|---|---|---|---|---|---|",
    ]
    for page, f in (*web["pages"].items(), *web.get("floor", {}).items()):
        lines.append(
            f"| {page} | {f['per_second']:.1f} | {f['p50_ms']:.0f} ms | {f['p95_ms']:.0f} ms |"
            f" {f['share_of_bare']:.1%} | {f['requests']} ({f['errors']}) |"
        )
    if "floor" in web:
        lines += [
            "",
            "The floor rows are `bench/floor_app.py`, served the same way in the same run:"
            " the least a page of this stack costs (the least page: Flask, Flask-SQLAlchemy,"
            " a signed session, one query, a two-line template), for reference beside the"
            " targets.",
        ]
    if "batch" in web:
        batch = web["batch"]
        answer = (
            f"HTTP {batch['status']} after {batch['seconds']:.2f} s"
            if "status" in batch
            else batch.get("error")
        )
        lines += ["", f"The batch button (pair everyone waiting): {answer}."]
    return lines


def render(app: dict | None, large: dict | None, webs: list[dict], notes: list[str]) -> str:
    verdicts = app_targets(app) + large_targets(large)
    by_database = {web["database"]: web for web in webs}
    for name in DATABASES:
        verdicts += web_targets(by_database.get(name), name)
    lines = ["# Benchmark report", "", "Generated by `make bench`; the machine:", ""]
    lines += machine()
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {v.target} | {v.measured} | {v.word} |" for v in verdicts]
    lines += ["", "## Figures", ""]
    for figures in (app, large):
        if figures:
            lines += [*_app_table(figures), ""]
    for web in webs:
        lines += [*_web_table(web), ""]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    return "\n".join(lines)


def _load(path: Path | None) -> dict | None:
    return json.loads(path.read_text()) if path and path.exists() else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path)
    parser.add_argument("--large", type=Path)
    parser.add_argument("--web", type=Path, action="append", default=[])
    parser.add_argument("--notes", type=Path, help="Markdown to add at the end")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    webs = [web for web in map(_load, args.web) if web]
    notes = args.notes.read_text().splitlines() if args.notes and args.notes.exists() else []
    text = render(_load(args.app), _load(args.large), webs, notes)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
