# Atiende — the two commands: `make run` and `make test`. Both install what they
# need first (a virtualenv in .venv from the pinned requirements.lock).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The console's one runtime dependency (Preact with htm, standalone ES module),
# from the npm registry at the version package-lock.json pins.
CONSOLE_VENDOR := frontend/vendor/preact-htm.js
# Browser tests drive Debian's chromium (root installs it; others need sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# pytest workers (pytest-xdist): one per core of the 2-core machine CI and the
# guide assume. Whole files go to one worker, so a module's stack and browser
# are started once. WORKERS=0 runs everything in one process.
WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -p no:cacheprovider
PARALLEL := -n $(WORKERS) --dist loadfile

.PHONY: console run test lint typecheck unit integration e2e bench deploy lock clean

$(STAMP): requirements.lock requirements-dev.txt functions/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	$(BIN)/python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "atiende-functions.pth").write_text("$(CURDIR)/functions\n")'
	touch $(STAMP)

$(CONSOLE_VENDOR): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p frontend/vendor
	cp frontend/node_modules/htm/preact/standalone.module.js $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

console: $(CONSOLE_VENDOR)

run: $(STAMP) $(CONSOLE_VENDOR)
	$(BIN)/atiende run

test: $(STAMP) $(CONSOLE_VENDOR) $(CHROMIUM) lint typecheck
	$(PYTEST) $(PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check functions local tests bench
	$(BIN)/ruff format --check functions local tests bench
	$(BIN)/cfn-lint infra/template.yaml
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# The quick layers: no stack, no browser, no corpus (`make test` runs them all).
unit: $(STAMP)
	$(PYTEST) tests/unit

integration: $(STAMP)
	$(PYTEST) $(PARALLEL) -m "not slow" tests/integration

e2e: $(STAMP) $(CONSOLE_VENDOR) $(CHROMIUM)
	$(PYTEST) $(PARALLEL) tests/e2e

bench: $(STAMP) $(CONSOLE_VENDOR)
	$(BIN)/python -m bench

# Needs the AWS SAM CLI and AWS credentials; never run in CI.
deploy:
	sam build --template-file infra/template.yaml
	sam deploy --guided

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^atiende' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam frontend/node_modules frontend/vendor
