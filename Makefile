# The two commands of the README: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck cfn-lint pytest build openapi bench clean

run: install
	$(PY) -m infra.local

# `build`: the template must also build for the python3.13 runtime, as `sam deploy` needs.
# pytest last, so its summary closes the output.
test: install lint typecheck cfn-lint build pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

cfn-lint: install
	$(VENV)/bin/cfn-lint template.yaml

pytest: install
	$(VENV)/bin/pytest

# `sam build` for the python3.13 runtime, with aws-sam-cli in a venv of its own (its pins clash).
build:
	test -x $(SAM_VENV)/bin/sam || ($(PYTHON) -m venv $(SAM_VENV) && $(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0)
	SAM_CLI_TELEMETRY=0 PYENV_VERSION=3.11.7:3.13.0 $(SAM_VENV)/bin/sam build --template template.yaml

openapi: install
	$(PY) -m infra.openapi > docs/openapi.json

bench: install
	$(PY) -m bench.search
	$(PY) -m bench.render
	$(PY) -m bench.e2e

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .mypy_cache .ruff_cache .pytest_cache
