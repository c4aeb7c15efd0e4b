"""A process-wide cache of fitted mentor indexes, keyed by a version the caller computes.

The index holds the mentors' vectors *and* their eligibility (availability, capacity
left): any change to a mentor's profile, capacity, active mentorships, away period or
term must produce a new version string. The app derives it from the database (e.g. the
latest change time and row count of the tables involved), so several processes agree.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from .suggest import MentorIndex

__all__ = ["IndexCache"]


class _Slot:
    __slots__ = ("error", "index", "ready")

    def __init__(self):
        self.ready = threading.Event()
        self.index: MentorIndex | None = None
        self.error: BaseException | None = None


class IndexCache:
    """Keeps the `keep` most recently requested versions; thread-safe.

    A version is built once even when several threads ask for it together: the first
    builds, the others wait for it. A failed build is not cached.
    """

    def __init__(self, keep: int = 1):
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.keep = keep
        self._lock = threading.Lock()
        self._slots: OrderedDict[str, _Slot] = OrderedDict()

    def get(self, version: str, build: Callable[[], MentorIndex]) -> MentorIndex:
        """The index for `version`, calling `build()` only if it is not cached."""
        with self._lock:
            slot = self._slots.get(version)
            owner = slot is None
            if owner:
                slot = self._slots[version] = _Slot()
                while len(self._slots) > self.keep:
                    self._slots.popitem(last=False)
            else:
                self._slots.move_to_end(version)
        if owner:
            try:
                slot.index = build()
            except BaseException as error:
                slot.error = error
                with self._lock:
                    if self._slots.get(version) is slot:
                        del self._slots[version]
                raise
            finally:
                slot.ready.set()
        slot.ready.wait()
        if slot.error is not None:
            raise slot.error
        return slot.index

    def versions(self) -> tuple[str, ...]:
        """Cached versions, oldest first."""
        with self._lock:
            return tuple(self._slots)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
