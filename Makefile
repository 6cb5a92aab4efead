# Two commands on a fresh machine: `make run` (demo warehouse) and `make test` (full suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ASCW := $(VENV)/bin/ascw
WAREHOUSE ?= $(CURDIR)/warehouse
EXTRACTS ?= $(CURDIR)/demo_extracts
SEED ?= 42

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME := $(WAREHOUSE)/dagster_home
export ASCW_WAREHOUSE_DIR := $(WAREHOUSE)

.PHONY: install run test dev docs lint clean

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned dependencies into $(VENV) (log: $(VENV)/pip.log)"
	@$(PY) -m pip install -r requirements.txt -c constraints.txt > $(VENV)/pip.log 2>&1 || (tail -40 $(VENV)/pip.log; exit 1)
	@$(PY) -m pip install --no-deps -e . >> $(VENV)/pip.log 2>&1 || (tail -40 $(VENV)/pip.log; exit 1)
	@touch $@

install: $(VENV)/.installed

## run: create the venv, generate the demo extracts, build the warehouse, print where results are
run: install
	@test -d $(EXTRACTS) || $(ASCW) generate --scale demo --out $(EXTRACTS) --seed $(SEED)
	$(ASCW) build --extracts $(EXTRACTS) --warehouse $(WAREHOUSE) --allow-test-nhs-numbers

## test: the full test suite (starts its own PostgreSQL server on loopback)
test: install
	$(PY) -m pytest

## dev: the Dagster UI on http://127.0.0.1:3000 for the demo warehouse
dev: install
	@mkdir -p $(DAGSTER_HOME)
	ASCW_EXTRACTS_DIR=$(EXTRACTS) ASCW_ALLOW_TEST_NHS_NUMBERS=true $(ASCW) dev

## docs: dbt docs (the data dictionary for every model and column) into warehouse/docs
docs: install
	$(ASCW) --warehouse $(WAREHOUSE) docs

## lint: ruff (Python) and sqlfluff (dbt SQL)
lint: install
	$(VENV)/bin/ruff check orchestration tests benchmarks
	$(VENV)/bin/ruff format --check orchestration tests benchmarks
	@mkdir -p dbt_project/target
	cd dbt_project && ASCW_DUCKDB_PATH=$(CURDIR)/dbt_project/target/lint.duckdb ../$(VENV)/bin/sqlfluff lint ../models

## clean: remove generated data, the warehouse and dbt build output (keeps the venv)
clean:
	rm -rf $(WAREHOUSE) $(EXTRACTS) dbt_project/target dbt_project/logs logs .pytest_cache
