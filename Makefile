# certkit: the two commands a newcomer needs are `make serve` and `make test`.
# Everything is installed into .venv (Python) and node_modules (Mermaid, iframe-worker)
# from the pinned constraints.txt and package-lock.json.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.certkit-installed

# PIP_CONSTRAINT also reaches pip's isolated build environments (setuptools is pinned too).
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_MKDOCS_2_WARNING := 1

.PHONY: help serve test suite matrix soak install system-deps vendor site offline docs-test page regen zos-snippets trace-snippets bench lint lock clean

help:
	@echo "make serve        install everything and serve the course at http://127.0.0.1:8000"
	@echo "make test         install everything and run every test (library, pages, builds, browser, workflow, lint),"
	@echo "                  then the page examples and library tests at four other clocks and zones (make matrix)"
	@echo "make suite        the test suite alone (pytest, on every core, in random order)"
	@echo "make matrix       the page examples and library tests at other clocks, in other zones, shuffled"
	@echo "make soak         every test that talks to a process, socket or browser, 20 rounds under CPU load"
	@echo "make site         build the site into site/ (mkdocs build --strict)"
	@echo "make offline      build the offline (file://) edition into site-offline/"
	@echo "make page PAGE=docs/encryption.md   run one page's examples"
	@echo "make regen PAGE=docs/encryption.md  rewrite a page's shown output from a real run"
	@echo "make zos-snippets  rewrite snippets/zos/ from the certkit commands in its sources.toml"
	@echo "make trace-snippets  capture snippets/traces/ again from the real tools (sources.toml)"
	@echo "make bench        run the benchmarks and record the results in bench/results/"
	@echo "make lock         re-resolve constraints.txt from pyproject.toml"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "certkit needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[docs,test]'
	@touch $@

install: $(STAMP) vendor

system-deps:
	bash .ci/system-deps

vendor: docs/assets/vendor/.stamp

docs/assets/vendor/.stamp: package.json package-lock.json scripts/vendor.sh
	bash scripts/vendor.sh
	@touch $@

SERVE_ADDR ?= 127.0.0.1:8000

serve: install
	CERTKIT_SITE_URL=http://$(SERVE_ADDR)/ $(BIN)/mkdocs serve --dev-addr $(SERVE_ADDR)

test: system-deps install
	$(BIN)/pytest
	$(BIN)/python scripts/matrix.py

suite: install
	$(BIN)/pytest

matrix: install
	$(BIN)/python scripts/matrix.py

soak: system-deps install
	$(BIN)/python scripts/soak.py

site: install
	$(BIN)/mkdocs build --strict

offline: install
	$(BIN)/mkdocs build --strict --config-file mkdocs-offline.yml

page: install
	$(BIN)/pytest -n 0 $(PAGE)

zos-snippets: install
	CERTKIT_REGEN_SNIPPETS=1 $(BIN)/pytest -q -n 0 -p no:randomly tests/zos/test_zos_snippets.py

trace-snippets: install
	CERTKIT_REGEN_SNIPPETS=1 $(BIN)/pytest -q -n 0 -p no:randomly tests/traces/test_capture_live.py

regen: install
	PYTHONPATH=tests $(BIN)/python -m docproof.regen $(PAGE)

docs-test: install
	$(BIN)/pytest docs tests/doctest_machinery

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy && $(BIN)/lint-imports

bench: system-deps install
	$(BIN)/python bench/pki_vs_trustme.py
	$(BIN)/python bench/handshakes.py
	$(BIN)/python bench/verify_hostile_pool.py
	$(BIN)/python bench/bundles.py
	$(BIN)/python bench/run.py

lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	PIP_CONSTRAINT= build/lock-venv/bin/python -m pip install -q --upgrade pip setuptools
	PIP_CONSTRAINT= build/lock-venv/bin/python -m pip install -q -e '.[docs,test]'
	build/lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v '^certkit' > constraints.txt
	rm -rf build/lock-venv

clean:
	rm -rf site site-offline build docs/assets/vendor .pytest_cache
