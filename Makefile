# The two commands of the README: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
SAM := $(SAM_VENV)/bin/sam
CHECKOV := $(CHECKOV_VENV)/bin/checkov
STAMP := $(VENV)/.installed
WEB_STAMP := web/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: run overview test tools install web chromium lint typecheck cfn-lint static unit quick pytest browser build lock audit fuzz load openapi bench clean

run: install web
	$(PY) -m infra.local

# With `make run` going: this month's overview mails now, written as files into mail/.
overview: install
	$(PY) -m infra.local.overview

# `build`: the template must also build for the python3.13 runtime, as `sam deploy` needs.
# The static checks run side by side (each one's output kept together); then the tiers, the
# browser last, so pytest's summary closes the output.
test: tools
	$(MAKE) -j3 --output-sync=target lint typecheck cfn-lint static build
	$(MAKE) pytest browser

# What the checks need, installed side by side: most of it is waiting for downloads.
tools:
	$(MAKE) -j4 install web chromium $(SAM) $(CHECKOV)

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The web app: npm packages pinned in web/package-lock.json, bundled by esbuild into web/dist.
web: $(WEB_STAMP)
	cd web && npm run --silent build

$(WEB_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $(WEB_STAMP)

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here).
chromium:
	test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

cfn-lint: install
	$(VENV)/bin/cfn-lint template.yaml

# bandit on our code and checkov on the template; every suppression says why, in place (# nosec)
# or in .checkov.yaml. checkov lives in a venv of its own: its pins clash with ours.
static: install $(CHECKOV)
	$(VENV)/bin/bandit -q -r functions infra
	$(CHECKOV) --config-file .checkov.yaml --quiet --compact

$(CHECKOV):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet checkov==3.3.30

# The tiers (tests/tiers.py): unit in seconds, quick is everything but the local stack and the
# browser, pytest adds the local stack's tier; browser last.
unit: install
	$(VENV)/bin/pytest tests/unit

# Tests of these tiers share nothing between them, so two workers (pytest-xdist) halve the wait.
quick: install
	$(VENV)/bin/pytest -n 2 tests/unit tests/aws tests/template

pytest: quick
	$(VENV)/bin/pytest tests/stack

browser: install web chromium
	$(VENV)/bin/pytest tests/browser

# `sam build` for the python3.13 runtime, with aws-sam-cli in a venv of its own (its pins clash).
build: $(SAM)
	SAM_CLI_TELEMETRY=0 PYENV_VERSION=3.11.7:3.13.0 $(SAM) build --template template.yaml

$(SAM):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0

# The Lambda build's dependencies, pinned exactly with hashes from the .in files.
LOCK := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.13 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock"
lock: install
	$(LOCK) functions/shared/requirements.in -o functions/shared/requirements.txt
	$(LOCK) functions/render/requirements.in -c functions/shared/requirements.txt -o functions/render/requirements.txt

# Known vulnerabilities in the locked dependencies; needs PyPI's advisory data online.
audit: install
	$(VENV)/bin/pip-audit --disable-pip --require-hashes -r functions/shared/requirements.txt -r functions/render/requirements.txt

# 50 simulated contact persons for 60 s against a local stack of its own (not in make test).
load: install web
	$(PY) -m bench.load

openapi: install
	$(PY) -m infra.ops.openapi > docs/openapi.json

# schemathesis against docs/openapi.json and the local stack, longer than make test's short run.
fuzz: install web
	$(PY) -m bench.fuzz

bench: install web
	$(PY) -m bench.search
	$(PY) -m bench.export
	$(PY) -m bench.render
	$(PY) -m bench.e2e
	$(PY) -m bench.web
	$(PY) -m bench.coldstart

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .mypy_cache .ruff_cache .pytest_cache web/node_modules web/dist
