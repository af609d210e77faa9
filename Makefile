# Two commands for a fresh machine:
#   make demo   validate a demo fleet of gateways against the local Central simulator and write the reports
#   make test   everything CI runs: sanity, unit, simulator and integration tests, lint, changelog and build checks
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/.build
COLL := $(BUILD)/ansible_collections/aruba_central/troubleshooting
SIM_SPEED ?= 20
REPORT_DIR ?= $(CURDIR)/reports/demo
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test venv system-deps layout sanity unit system-tests simulator-tests bench-tests bench-smoke lint changelog-lint build integration bench bench-full clean

# ---------------------------------------------------------------------------------------------------------------
$(BIN)/ansible: requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

venv: $(BIN)/ansible

# iperf3 (real tests in the simulator) and chromium (the HTML report check) from Debian, when we may install them.
system-deps:
	@missing=""; for p in iperf3 chromium rsync; do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "system packages: iperf3, chromium and rsync present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing$$missing with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "WARNING: could not install$$missing; tests that need them are skipped with the reason"; \
	else echo "WARNING:$$missing missing and not root: the simulator uses synthetic mode, browser checks are skipped"; fi

# The collection laid out as ansible_collections/<namespace>/<name>, which ansible-test and imports need.
layout: venv system-deps
	mkdir -p $(COLL)
	rsync -a --delete --exclude-from=.layoutignore --exclude=/.git ./ $(COLL)/
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

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

build: layout
	cd $(COLL) && $(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) $(BIN)/ansible-doc aruba_central.troubleshooting.gateway_iperf_result >/dev/null

# Integration targets run by ansible-test against one simulator (real iperf3 when present, time scaled).
integration: layout
	$(BIN)/python scripts/with_simulator.py --config $(COLL)/tests/integration/integration_config.yml \
	  --sim-arg=--gateways=$(CURDIR)/simulator/demo_gateways.yml --sim-arg=--generate=250 \
	  --sim-arg=--speed=$(SIM_SPEED) -- \
	  bash -c 'cd $(COLL) && $(BIN)/ansible-test integration --local --python 3.11 --color no $(TARGETS)'

test: venv system-deps sanity unit system-tests simulator-tests bench-tests lint changelog-lint build integration bench-smoke
	@echo "make test: all checks passed"

# ---------------------------------------------------------------------------------------------------------------
demo: layout
	$(BIN)/python scripts/with_simulator.py --sim-arg=--gateways=$(CURDIR)/simulator/demo_gateways.yml \
	  --sim-arg=--speed=$(SIM_SPEED) -- \
	  bash -c 'cd playbooks && $(BIN)/ansible-playbook -i inventory/demo.yml validate_gateway_bandwidth.yml \
	    -e bandwidth_report_dir=$(REPORT_DIR) -e gateway_bandwidth_fail_play=false'
	@echo; echo "Reports: $(REPORT_DIR)"; ls -1 $(REPORT_DIR)

# The benchmark's own tests, and a 24-gateway run that fails only on correctness (a gateway missing from the
# report, a busy collision within one controller, a crash), never on timing.
bench-tests: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider bench/tests

bench-smoke: layout
	$(BIN)/python bench/run.py --smoke

bench: layout
	$(BIN)/python bench/run.py --sizes 24x4

bench-full: layout
	$(BIN)/python bench/run.py --sizes 24x4,100x10,500x25

clean:
	rm -rf $(BUILD) reports
