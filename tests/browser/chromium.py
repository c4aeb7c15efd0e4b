"""Which Chromium the browser tests drive, and whether they run at all.

``PATHWAYS_BROWSER`` is the switch: unset runs the browser tests when a Chromium is
found and reports them as not run otherwise; ``off`` never runs them; ``required``
makes a missing browser a failure (CI sets it). The browser is looked for at
``PATHWAYS_CHROMIUM`` when set, then on ``PATH``, then where Playwright installs its
own. Nothing is ever downloaded.
"""

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

NAMES_ON_PATH = ("chromium", "chromium-browser", "google-chrome")
INSTALL = (
    "apt-get install chromium (Debian/Ubuntu) or python -m playwright install chromium (elsewhere)"
)


class Mode(Enum):
    AUTO = ""
    OFF = "off"
    REQUIRED = "required"


class BrowserSetupError(Exception):
    """The switch or the browser path is set to something that cannot work."""


@dataclass(frozen=True)
class NotRun:
    """Why the browser tests are not run, and what enables them."""

    reason: str
    how_to_enable: str

    def summary(self, count: int) -> str:
        return f"{count} browser tests not run: {self.reason}. To run them: {self.how_to_enable}."


@dataclass(frozen=True)
class Decision:
    """Exactly one of: the executable to drive, why the tests don't run, or a failure."""

    executable: str = ""
    not_run: NotRun | None = None
    failure: str = ""


def decide(environ: Mapping[str, str], playwright_chromium: Callable[[], str]) -> Decision:
    """What the browser tests do under ``environ``; raises ``BrowserSetupError``."""
    wanted = mode(environ)
    if wanted is Mode.OFF:
        return Decision(not_run=NotRun("PATHWAYS_BROWSER=off", "unset PATHWAYS_BROWSER"))
    executable, looked_at = find_chromium(environ, playwright_chromium)
    if executable:
        return Decision(executable=executable)
    missing = f"no Chromium found (looked for {', '.join(looked_at)})"
    if wanted is Mode.REQUIRED:
        return Decision(failure=f"PATHWAYS_BROWSER=required, but {missing}; install: {INSTALL}")
    return Decision(not_run=NotRun(missing, INSTALL))


def mode(environ: Mapping[str, str]) -> Mode:
    value = environ.get("PATHWAYS_BROWSER", "").strip().lower()
    try:
        return Mode(value)
    except ValueError:
        raise BrowserSetupError(
            f"PATHWAYS_BROWSER={value!r} is not a setting: leave it unset, or set 'off' "
            "or 'required'"
        ) from None


def find_chromium(
    environ: Mapping[str, str], playwright_chromium: Callable[[], str]
) -> tuple[str | None, list[str]]:
    """The first Chromium in the documented order (or ``None``), and where it looked.

    ``playwright_chromium`` returns the path of the browser Playwright installs for
    itself; it is only called when nothing else is found, because it starts
    Playwright's driver.
    """
    chosen = environ.get("PATHWAYS_CHROMIUM")
    if chosen:
        if not _is_executable(chosen):
            raise BrowserSetupError(
                f"No Chromium at PATHWAYS_CHROMIUM={chosen}: not an executable file"
            )
        return chosen, [chosen]
    looked_at = [f"{name} on PATH" for name in NAMES_ON_PATH]
    for name in NAMES_ON_PATH:
        found = shutil.which(name, path=environ.get("PATH", os.defpath))
        if found:
            return found, looked_at
    installed = playwright_chromium()
    looked_at.append(f"Playwright's browser at {installed}")
    return (installed if _is_executable(installed) else None), looked_at


def _is_executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)
