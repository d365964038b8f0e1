# Atiende — the two commands: `make run` and `make test`. Both install what they
# need first (a virtualenv in .venv from the pinned requirements.lock).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit integration e2e bench deploy lock clean

$(STAMP): requirements.lock requirements-dev.txt functions/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	$(BIN)/python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "atiende-functions.pth").write_text("$(CURDIR)/functions\n")'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/atiende run

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check functions local tests bench
	$(BIN)/ruff format --check functions local tests bench
	$(BIN)/cfn-lint infra/template.yaml

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/pytest -q tests/integration

e2e: $(STAMP)
	$(BIN)/pytest -q tests/e2e

bench: $(STAMP)
	$(BIN)/python -m bench

# Needs the AWS SAM CLI and AWS credentials; never run in CI.
deploy:
	sam build --template-file infra/template.yaml
	sam deploy --guided

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^atiende' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam
