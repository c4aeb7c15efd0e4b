# `make bench`: the benchmarks of bench/, one Markdown report in bench/REPORT.md.
# PostgreSQL and Redis are the local ones; point elsewhere with BENCH_POSTGRES_URL and
# BENCH_REDIS_URL (BENCH_POSTGRES_URL= for SQLite only). `make bench-large` also runs
# 100k × 10k on PostgreSQL and puts it in the report.

PYTHON ?= .venv/bin/python
BENCH_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
BENCH_WORK ?= /tmp/pathways-bench
REPORT ?= bench/REPORT.md
LARGE_JSON =

export BENCH_REDIS_URL

.PHONY: bench bench-large bench-app bench-web bench-report

bench: bench-app bench-web
	$(MAKE) bench-report

bench-large: bench-app bench-web
	rm -f $(BENCH_WORK)/large.json
	$(PYTHON) -m bench.bench_app --large --postgres "$(BENCH_POSTGRES_URL)" \
		--work $(BENCH_WORK)/large --json-out $(BENCH_WORK)/large.json
	$(MAKE) bench-report LARGE_JSON="--large $(BENCH_WORK)/large.json"

bench-app:
	rm -f $(BENCH_WORK)/app.json
	$(PYTHON) -m bench.bench_app --postgres "$(BENCH_POSTGRES_URL)" \
		--work $(BENCH_WORK)/app --json-out $(BENCH_WORK)/app.json

bench-web:
	rm -f $(BENCH_WORK)/web-sqlite.json $(BENCH_WORK)/web-postgresql.json
	$(PYTHON) -m bench.bench_web --work $(BENCH_WORK)/web-sqlite \
		--json-out $(BENCH_WORK)/web-sqlite.json
	if [ -n "$(BENCH_POSTGRES_URL)" ]; then \
		$(PYTHON) -m bench.bench_web --database "$(BENCH_POSTGRES_URL)" \
			--work $(BENCH_WORK)/web-postgresql --json-out $(BENCH_WORK)/web-postgresql.json; \
	fi

bench-report:
	$(PYTHON) -m bench.report --app $(BENCH_WORK)/app.json $(LARGE_JSON) \
		--web $(BENCH_WORK)/web-sqlite.json --web $(BENCH_WORK)/web-postgresql.json \
		--notes bench/NOTES.md -o $(REPORT)
