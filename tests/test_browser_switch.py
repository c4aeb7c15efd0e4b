"""PATHWAYS_BROWSER and PATHWAYS_CHROMIUM: the browser tests run, are reported as not
run, or fail — and the README's test command passes on a machine with Python alone."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.chromium import BrowserSetupError, decide

NO_PLAYWRIGHT_BROWSER = "/nowhere/ms-playwright/chrome"


def fake_browser(folder: Path, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def playwright_at(path: str):
    def installed() -> str:
        return path

    return installed


def never_asked() -> str:
    raise AssertionError("Playwright's browser was looked for although it was not needed")


def test_off_does_not_look_for_a_browser(tmp_path):
    fake_browser(tmp_path, "chromium")
    decision = decide({"PATHWAYS_BROWSER": "off", "PATH": str(tmp_path)}, never_asked)
    assert decision.executable == ""
    assert decision.not_run.reason == "PATHWAYS_BROWSER=off"
    assert decision.not_run.how_to_enable == "unset PATHWAYS_BROWSER"


def test_unset_runs_the_first_chromium_on_path(tmp_path):
    fake_browser(tmp_path / "a", "google-chrome")
    expected = fake_browser(tmp_path / "b", "chromium-browser")
    path = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    assert decide({"PATH": path}, never_asked).executable == expected


def test_plain_chromium_comes_before_the_other_names(tmp_path):
    fake_browser(tmp_path, "google-chrome")
    expected = fake_browser(tmp_path, "chromium")
    assert decide({"PATH": str(tmp_path)}, never_asked).executable == expected


def test_playwrights_own_browser_is_the_last_resort(tmp_path):
    installed = fake_browser(tmp_path / "ms-playwright", "chrome")
    decision = decide({"PATH": str(tmp_path / "empty")}, playwright_at(installed))
    assert decision.executable == installed


def test_without_a_browser_the_tests_are_not_run_and_say_how_to_enable_them(tmp_path):
    decision = decide({"PATH": str(tmp_path)}, playwright_at(NO_PLAYWRIGHT_BROWSER))
    assert decision.executable == "" and decision.failure == ""
    summary = decision.not_run.summary(8)
    assert summary.startswith("8 browser tests not run: no Chromium found")
    for looked_at in ("chromium on PATH", "google-chrome on PATH", NO_PLAYWRIGHT_BROWSER):
        assert looked_at in summary
    assert "apt-get install chromium" in summary
    assert "python -m playwright install chromium" in summary


def test_required_makes_a_missing_browser_a_failure(tmp_path):
    environ = {"PATHWAYS_BROWSER": "required", "PATH": str(tmp_path)}
    decision = decide(environ, playwright_at(NO_PLAYWRIGHT_BROWSER))
    assert decision.not_run is None
    assert "PATHWAYS_BROWSER=required" in decision.failure
    assert "chromium-browser on PATH" in decision.failure


def test_a_chosen_browser_comes_before_path(tmp_path):
    fake_browser(tmp_path / "bin", "chromium")
    chosen = fake_browser(tmp_path / "mine", "my-chromium")
    environ = {"PATHWAYS_CHROMIUM": chosen, "PATH": str(tmp_path / "bin")}
    assert decide(environ, never_asked).executable == chosen


@pytest.mark.parametrize("switch", ["", "required"])
def test_a_chosen_browser_that_does_not_exist_is_an_error_not_a_skip(tmp_path, switch):
    fake_browser(tmp_path, "chromium")
    environ = {"PATHWAYS_BROWSER": switch, "PATHWAYS_CHROMIUM": "/nonexistent/chromium"}
    with pytest.raises(BrowserSetupError, match="PATHWAYS_CHROMIUM=/nonexistent/chromium"):
        decide({**environ, "PATH": str(tmp_path)}, never_asked)


def test_an_unknown_switch_names_the_settings():
    with pytest.raises(BrowserSetupError, match="'off' or 'required'"):
        decide({"PATHWAYS_BROWSER": "yes"}, never_asked)


def run_browser_tests(**environ: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/browser", "-p", "no:cacheprovider"],
        cwd=Path(__file__).parent.parent,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_off_exits_zero_and_the_last_lines_say_how_to_enable_them():
    run = run_browser_tests(PATHWAYS_BROWSER="off")
    assert run.returncode == 0, run.stdout
    summary, totals = run.stdout.splitlines()[-2:]
    expected = r"(\d+) browser tests not run: PATHWAYS_BROWSER=off\. To run them: unset \S+\."
    not_run = re.fullmatch(expected, summary)
    assert not_run, summary
    assert f" {not_run[1]} skipped in " in totals


def test_required_with_a_missing_browser_fails_and_names_it():
    run = run_browser_tests(PATHWAYS_BROWSER="required", PATHWAYS_CHROMIUM="/nonexistent/chromium")
    assert run.returncode == pytest.ExitCode.TESTS_FAILED
    assert "No Chromium at PATHWAYS_CHROMIUM=/nonexistent/chromium" in run.stdout
    assert re.search(r" \d+ errors? in ", run.stdout.splitlines()[-1])
