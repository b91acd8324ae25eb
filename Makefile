# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANIFEST := dbt/target/manifest.json
DBT_SOURCES := $(shell find dbt -path dbt/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) -print)

.PHONY: demo demo-postgres test test-slow install browser postgres postgres-install postgres-stop benchmark benchmark-postgres clean ui

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# The dbt manifest Dagster reads its assets from (`dbt parse` touches no database). Absolute
# paths: dagster-dbt reuses this parse, and dbt runs from inside dbt/.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	CHAXIN_WAREHOUSE=$(CURDIR)/data/warehouse.duckdb $(BIN)/dbt parse --project-dir $(CURDIR)/dbt --profiles-dir $(CURDIR)/dbt --quiet

install: $(STAMP) $(MANIFEST)

# The report test opens the page in Debian's Chromium, with a CJK font to draw the Chinese, prints
# it to PDF and looks at each page (poppler's pdfinfo and pdftoppm).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && fc-list 2>/dev/null | grep -q "WenQuanYi Zen Hei" || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei poppler-utils)

# The station-server target (CHAXIN_TARGET=postgres) is tested against Debian's PostgreSQL: a
# throw-away cluster on a Unix socket (tests/postgres_server.py; the tests start their own).
# `make postgres` starts this checkout's cluster and prints its CHAXIN_POSTGRES_URL.
postgres-install:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends postgresql)

postgres: install postgres-install
	@$(BIN)/python -m tests.postgres_server start

postgres-stop: install
	$(BIN)/python -m tests.postgres_server stop

# The run follows `chaxin demo` at once: its files were written completely a moment ago, so they need
# not lie still CHAXIN_SETTLE_SECONDS first (else the last ones wait for the next run).
demo: install
	$(BIN)/chaxin demo data/inbox
	CHAXIN_SETTLE_SECONDS=0 $(BIN)/chaxin run

# The same demo on this checkout's throw-away PostgreSQL cluster (`make postgres`): the warehouse in
# its database, bi published as a schema there. Only the folder of CHAXIN_WAREHOUSE is used on this
# target (Dagster's run records, the quality docs, the reports), kept apart from the DuckDB demo's.
demo-postgres: install postgres-install
	$(BIN)/chaxin demo data/inbox
	CHAXIN_TARGET=postgres CHAXIN_POSTGRES_URL="$$($(BIN)/python -m tests.postgres_server start)" \
	  CHAXIN_WAREHOUSE=$(CURDIR)/data/postgres/warehouse.duckdb CHAXIN_SETTLE_SECONDS=0 $(BIN)/chaxin run

# Both suites run on two cores (pytest-xdist), a test module per worker at a time (its module fixtures
# are built once): a worker builds the shared stations it needs (conftest.py) for itself, and a
# test's files are its own, so workers never share a warehouse.
test: install browser postgres-install
	$(BIN)/python -m pytest -m "not slow" -n 2 --dist loadfile

# The long checks (the kill matrix): under 30 minutes; .ci/run runs them after `make test`.
test-slow: install postgres-install
	$(BIN)/python -m pytest -m slow -n 2 --dist loadfile

benchmark: install
	$(BIN)/python benchmarks/runs.py $(if $(SIZES),--sizes $(SIZES))

# The same, plus the first build and the new quarter on a throw-away PostgreSQL cluster, the new quarter
# alone and under 20 read-only BI sessions (issue 13 item 6), each pausing READER_PAUSE s (default 1)
# between queries; 100 k and 1 M commissions unless SIZES says.
benchmark-postgres: install postgres-install
	$(BIN)/python benchmarks/runs.py --postgres --sizes $(or $(SIZES),100000,1000000) $(if $(READER_PAUSE),--reader-pause $(READER_PAUSE))

# The Dagster UI on http://127.0.0.1:3000, recording runs where `chaxin run` does.
# The instance's storage is created once before `dagster dev` starts its processes, which would
# otherwise race to create it ("more than one head present").
ui: install
	mkdir -p data/dagster && (test -f data/dagster/dagster.yaml || cp dagster_project/dagster.yaml data/dagster/)
	DAGSTER_HOME=$(CURDIR)/data/dagster $(BIN)/python -c "from dagster import DagsterInstance; DagsterInstance.get()"
	DAGSTER_HOME=$(CURDIR)/data/dagster $(BIN)/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf data dbt/target dbt/logs
