# The two commands of the README: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
STAMP := $(VENV)/.installed
WEB_STAMP := web/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install web chromium lint typecheck cfn-lint pytest browser build openapi bench clean

run: install web
	$(PY) -m infra.local

# `build`: the template must also build for the python3.13 runtime, as `sam deploy` needs.
# The browser tier last, so pytest's summary closes the output.
test: install web lint typecheck cfn-lint build pytest browser

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

pytest: install
	$(VENV)/bin/pytest -m "not browser"

browser: install web chromium
	$(VENV)/bin/pytest -m browser

# `sam build` for the python3.13 runtime, with aws-sam-cli in a venv of its own (its pins clash).
build:
	test -x $(SAM_VENV)/bin/sam || ($(PYTHON) -m venv $(SAM_VENV) && $(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0)
	SAM_CLI_TELEMETRY=0 PYENV_VERSION=3.11.7:3.13.0 $(SAM_VENV)/bin/sam build --template template.yaml

openapi: install
	$(PY) -m infra.openapi > docs/openapi.json

bench: install web
	$(PY) -m bench.search
	$(PY) -m bench.render
	$(PY) -m bench.e2e

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .mypy_cache .ruff_cache .pytest_cache web/node_modules web/dist
