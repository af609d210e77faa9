# Two commands for a fresh machine:
#   make demo   validate a demo fleet of gateways against the local Central simulator and write the reports
#   make test   everything CI runs: sanity, unit, simulator and integration tests, lint, changelog and build checks,
#               the built tarball as a user installs it, and sanity + unit tests on the oldest and newest ansible-core
#   make test-matrix   sanity + unit tests on every ansible-core the collection claims; renews README's table
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/.build
COLL := $(BUILD)/ansible_collections/aruba_central/troubleshooting
SIM_SPEED ?= 20
REPORT_DIR ?= $(CURDIR)/reports/demo
DEMO_INVENTORY := $(CURDIR)/simulator/demo_inventory/demo.yml
# The support matrix: one virtual environment per ansible-core release (.ci/matrix/ansible-core-<release>.txt), kept
# here between runs. make test runs the oldest and the newest release; test-matrix runs them all.
MATRIX_VENVS ?= $(CURDIR)/.matrix
MATRIX_ALL := 2.16 2.17 2.18 2.19 2.20 2.21
MATRIX_ENDS := 2.16 2.21
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test venv system-deps layout sanity unit system-tests simulator-tests bench-tests bench-smoke lint changelog-lint build \
  tarball-check matrix-ends test-matrix changelog integration bench bench-slices bench-full clean

# ---------------------------------------------------------------------------------------------------------------
$(BIN)/ansible: requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

venv: $(BIN)/ansible

# iperf3 (real tests in the simulator), chromium (the HTML report check), shellcheck (a sanity test), Prometheus and
# its Pushgateway (the metrics system test) from Debian, when we may install them.
system-deps:
	@missing=""; for p in iperf3 chromium rsync shellcheck prometheus prometheus-pushgateway; do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "system packages: iperf3, chromium, rsync, shellcheck and prometheus present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing$$missing with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "WARNING: could not install$$missing; tests that need them are skipped with the reason"; \
	else echo "WARNING:$$missing missing and not root: the simulator uses synthetic mode, browser checks are skipped"; fi

# The collection laid out as ansible_collections/<namespace>/<name>, which ansible-test and imports need: the
# repository as a clone has it (everything but what .gitignore and .layoutignore leave out), simulator included.
layout: venv system-deps
	mkdir -p $(COLL)
	rsync -a --delete --filter=':- .gitignore' --exclude-from=.layoutignore --exclude=/.git ./ $(COLL)/
	@# ansible-test lists the files git tracks; the layout lives in an ignored folder of this checkout, so it gets
	@# a repository of its own holding exactly the laid-out files.
	cd $(COLL) && { [ -d .git ] || git init -q; } && git add -A && git -c user.name=layout -c user.email=layout@localhost commit -qm layout --allow-empty >/dev/null

# ansible-test downloads a pip bootstrap script from a host that may be unreachable; give it an offline stand-in.
ANSIBLE_TEST_PIP = $(shell $(BIN)/python -c "import re, inspect; from ansible_test._internal import python_requirements as p; print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(p.get_venv_packages)).group(1).replace('.', '_'))")
GET_PIP = $(HOME)/.ansible/test/cache/get_pip_$(ANSIBLE_TEST_PIP).py

sanity: layout
	@mkdir -p $(dir $(GET_PIP)); [ -f $(GET_PIP) ] || cp .ci/get_pip_standin.py $(GET_PIP)
	cd $(COLL) && $(BIN)/ansible-test sanity --local --requirements --python 3.11 --color no

unit: layout
	cd $(COLL) && PYTHONPATH=$(BUILD) $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

# Faults, fleet, secrets and TLS against local simulators (about 2 minutes).
system-tests: layout
	cd $(COLL) && PYTHONPATH=$(BUILD):$(CURDIR)/simulator $(BIN)/python -m pytest -q -p no:cacheprovider tests/system

simulator-tests: venv system-deps
	cd simulator && PYTHONPATH=$(CURDIR)/simulator $(BIN)/python -m pytest -q -p no:cacheprovider tests

lint: layout
	cd $(COLL) && $(BIN)/ansible-lint --profile production --offline
	cd $(BUILD) && $(BIN)/mypy --config-file $(CURDIR)/mypy.ini --cache-dir $(BUILD)/.mypy_cache

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# CHANGELOG.rst for the coming release (galaxy.yml's version) from the fragments as they are now. The release runs
# on a copy of the layout, so changelogs/fragments/ and changelogs/changelog.yaml stay as they are and more fragments
# can follow; the release itself is `antsibull-changelog release` in the repository (it consumes the fragments).
CHANGELOG_COPY := $(BUILD)/changelog/ansible_collections/aruba_central/troubleshooting
changelog: layout
	rm -rf $(BUILD)/changelog && mkdir -p $(CHANGELOG_COPY)
	rsync -a --exclude=/.git --exclude=/tests/output $(COLL)/ $(CHANGELOG_COPY)/
	cd $(CHANGELOG_COPY) && ANSIBLE_COLLECTIONS_PATH=$(BUILD)/changelog \
	  $(BIN)/antsibull-changelog release --version $$(sed -n 's/^version: *//p' $(CURDIR)/galaxy.yml)
	cp $(CHANGELOG_COPY)/CHANGELOG.rst CHANGELOG.rst

build: layout
	cd $(COLL) && $(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) $(BIN)/ansible-doc aruba_central.troubleshooting.gateway_iperf_result >/dev/null

# The built tarball as a user gets it: contents, a fresh environment with only ansible-core, requests and jmespath,
# ansible-doc of every plugin and role, the validation playbook against the simulator, and galaxy-importer.
tarball-check: build
	$(BIN)/python scripts/check_tarball.py --venvs $(MATRIX_VENVS) --work $(BUILD)/tarball-check --speed $(SIM_SPEED) \
	  --tarball $(BUILD)/dist/aruba_central-troubleshooting-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz

# Sanity and unit tests on other ansible-core releases (scripts/matrix.py; results and logs in $(BUILD)/matrix/).
matrix-ends: layout
	$(BIN)/python scripts/matrix.py --build $(BUILD) --venvs $(MATRIX_VENVS) $(MATRIX_ENDS)

test-matrix: layout
	$(BIN)/python scripts/matrix.py --build $(BUILD) --venvs $(MATRIX_VENVS) --readme README.md $(MATRIX_ALL)

# Integration targets run by ansible-test against one simulator (real iperf3 when present, time scaled).
integration: layout
	$(BIN)/python scripts/with_simulator.py --config $(COLL)/tests/integration/integration_config.yml \
	  --sim-arg=--gateways=$(CURDIR)/simulator/demo_gateways.yml --sim-arg=--generate=250 \
	  --sim-arg=--speed=$(SIM_SPEED) -- \
	  bash -c 'cd $(COLL) && $(BIN)/ansible-test integration --local --python 3.11 --color no $(TARGETS)'

test: venv system-deps sanity unit system-tests simulator-tests bench-tests lint changelog-lint build tarball-check integration \
  bench-smoke matrix-ends
	@echo "make test: all checks passed"

# ---------------------------------------------------------------------------------------------------------------
# The first run records every gateway in the history; from the second run on, two links are slower than before
# (gw-aus-01 upload 300 -> 120 Mbit/s, gw-lyo-04 upload 100 -> 70 Mbit/s) and the reports show the drop against
# each gateway's baseline. Remove $(DEMO_HISTORY) to start over.
DEMO_HISTORY := $(CURDIR)/reports/demo_history.sqlite
DEMO_DEGRADE := $(if $(wildcard $(DEMO_HISTORY)),--link='CNF7G9K009={"up_mbps": 120}' --link='CNF7G9K008={"up_mbps": 70}')
demo: layout
	$(BIN)/python scripts/with_simulator.py --sim-arg=--gateways=$(CURDIR)/simulator/demo_gateways.yml \
	  --sim-arg=--speed=$(SIM_SPEED) $(DEMO_DEGRADE) -- \
	  bash -c 'cd playbooks && ANSIBLE_CALLBACKS_ENABLED=aruba_central.troubleshooting.bandwidth_progress \
	    $(BIN)/ansible-playbook -i $(DEMO_INVENTORY) validate_gateway_bandwidth.yml \
	    -e bandwidth_report_dir=$(REPORT_DIR) -e gateway_bandwidth_fail_play=false \
	    -e gateway_bandwidth_history_path=$(DEMO_HISTORY)'
	@echo; echo "Reports: $(REPORT_DIR)"; ls -1 $(REPORT_DIR)
	@echo "History: $(DEMO_HISTORY) (run make demo again to see two links slower than their baseline)"

# The benchmark's own tests, and a 24-gateway run that fails only on correctness (a gateway missing from the
# report, a busy collision within one controller, a crash), never on timing.
bench-tests: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider bench/tests

bench-smoke: layout
	$(BIN)/python bench/run.py --smoke

bench: layout
	$(BIN)/python bench/run.py --sizes 24x4

bench-slices: layout
	$(BIN)/python bench/run.py --sizes 100x10 --no-baseline --slices

bench-full: layout
	$(BIN)/python bench/run.py --sizes 24x4,100x10,500x25

clean:
	rm -rf $(BUILD) reports
