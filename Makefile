# Atiende — the two commands: `make run` and `make test`. Both install what they
# need first (a virtualenv in .venv from the pinned requirements.lock).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The checkout the venv belongs to: this one, or, where .venv links to another
# checkout's venv (a second git worktree), that one, so installing from here
# never points the shared venv at this checkout's code.
HOME_OF_VENV = $(or $(patsubst %/,%,$(dir $(realpath $(VENV)))),$(CURDIR))
# The SAM CLI, in its own virtualenv: it pins boto3, botocore and click to other
# versions than the development ones (requirements-deploy.txt).
DEPLOY_VENV := .venv-deploy
DEPLOY_STAMP := $(DEPLOY_VENV)/.installed
# The stage `make deploy` and `make destroy` act on (samconfig.toml's environment).
STAGE ?= prod
# The console's runtime dependencies, from the npm registry at the versions
# package-lock.json pins: Preact with htm (standalone ES module), and a QR code
# encoder loaded only when an agent sets up two-step verification.
CONSOLE_VENDOR := frontend/vendor/preact-htm.js
QR_VENDOR := frontend/vendor/qrcode.mjs
# Browser tests drive Debian's chromium (root installs it; others need sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# pytest workers (pytest-xdist): one per core of the 2-core machine CI and the
# guide assume. Whole files go to one worker, so a module's stack and browser
# are started once. WORKERS=0 runs everything in one process.
WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -p no:cacheprovider
PARALLEL := -n $(WORKERS) --dist loadfile

# The template scanner lives in its own virtualenv: checkov's pins (boto3 1.35,
# networkx < 2.7, packaging < 24) clash with requirements.lock.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed

.PHONY: console publish-console run test lint typecheck scan unit integration e2e bench package deploy destroy lock \
	lock-deploy clean

$(STAMP): requirements.lock requirements-dev.txt functions/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e $(HOME_OF_VENV) --config-settings editable_mode=compat
	$(BIN)/python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "atiende-functions.pth").write_text("$(HOME_OF_VENV)/functions\n")'
	touch $(STAMP)

$(DEPLOY_STAMP): requirements-deploy.lock
	test -x $(DEPLOY_VENV)/bin/python || $(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/python -m pip install --quiet -r requirements-deploy.lock
	touch $(DEPLOY_STAMP)

$(SCAN_STAMP): requirements-scan.lock
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet -r requirements-scan.lock
	touch $(SCAN_STAMP)

$(CONSOLE_VENDOR): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p frontend/vendor
	cp frontend/node_modules/htm/preact/standalone.module.js $@
	cp frontend/node_modules/qrcode-generator/dist/qrcode.mjs $(QR_VENDOR)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

console: $(CONSOLE_VENDOR)

run: $(STAMP) $(CONSOLE_VENDOR)
	$(BIN)/atiende run

test: $(STAMP) $(CONSOLE_VENDOR) $(CHROMIUM) lint typecheck scan
	$(PYTEST) $(PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check functions local tests bench
	$(BIN)/ruff format --check functions local tests bench
	$(BIN)/cfn-lint infra/template.yaml
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit -q -c pyproject.toml -r functions local

typecheck: $(STAMP)
	$(BIN)/mypy

# checkov over infra/template.yaml; skipped checks and why are in .checkov.yaml.
scan: $(SCAN_STAMP)
	BC_SKIP_MAPPING=TRUE $(SCAN_VENV)/bin/checkov --config-file .checkov.yaml

# The quick layers: no stack, no browser, no corpus (`make test` runs them all).
unit: $(STAMP)
	$(PYTEST) tests/unit

integration: $(STAMP)
	$(PYTEST) $(PARALLEL) -m "not slow" tests/integration

e2e: $(STAMP) $(CONSOLE_VENDOR) $(CHROMIUM)
	$(PYTEST) $(PARALLEL) tests/e2e

bench: $(STAMP) $(CONSOLE_VENDOR) package
	$(BIN)/python -m bench

# Every Lambda zip (one per function, one for the shared layer) under build/,
# for python3.12 on arm64, from wheels: no Docker, no Python 3.12 here.
package: $(STAMP)
	$(BIN)/atiende package

# Needs AWS credentials (a profile or AWS_* variables). Validates the template,
# deploys the zips (--guided the first time a stage is created), uploads the
# console and prints what to set in Meta and in DNS.
deploy: package $(DEPLOY_STAMP) $(CONSOLE_VENDOR)
	$(BIN)/atiende deploy --stage $(STAGE)

# Deletes the stage's stack; what the template retains (data) stays, listed.
destroy: $(STAMP) $(DEPLOY_STAMP)
	$(BIN)/atiende destroy --stage $(STAGE)

# The console's files alone into a deployed stage's bucket (`make deploy` does it
# too), with boto3: no AWS CLI needed. Files gone from frontend/ leave the bucket.
publish-console: $(STAMP) $(CONSOLE_VENDOR)
	$(BIN)/atiende publish-console --stage $(STAGE)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^atiende' > requirements.lock

lock-deploy: $(DEPLOY_STAMP)
	$(DEPLOY_VENV)/bin/python -m pip install --quiet -r requirements-deploy.txt
	(echo "# pip freeze of .venv-deploy after installing requirements-deploy.txt (make lock-deploy)"; \
	 $(DEPLOY_VENV)/bin/python -m pip freeze) > requirements-deploy.lock

clean:
	rm -rf $(VENV) $(DEPLOY_VENV) $(SCAN_VENV) build .pytest_cache .mypy_cache .ruff_cache .aws-sam frontend/node_modules frontend/vendor
