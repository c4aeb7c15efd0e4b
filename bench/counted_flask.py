"""``flask`` itself, counting the SQL statements it sends: ``python -m bench.counted_flask
--app wsgi COMMAND …``.

With ``BENCH_QUERIES_FILE`` set, every statement any engine sends to its database (an
``executemany`` of many rows is one) is counted, and the number is written to that file
when the process ends. Unset, this is exactly ``flask``. The app knows nothing of it.
"""

import atexit
import os
from pathlib import Path

from flask.cli import main as flask_main
from sqlalchemy import event
from sqlalchemy.engine import Engine


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1

    def install(self) -> "StatementCounter":
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def save(self, path: Path) -> None:
        path.write_text(str(self.count))


def main() -> None:
    target = os.environ.get("BENCH_QUERIES_FILE")
    if target:
        counter = StatementCounter().install()
        atexit.register(counter.save, Path(target))
    flask_main()


if __name__ == "__main__":
    main()
