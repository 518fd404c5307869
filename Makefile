# Two entry points for a fresh Debian/Ubuntu machine (root or sudo):
#   make demo   installs what is missing, then digitizes a sample book of each layout
#   make test   installs what is missing, then runs the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd poppler-utils qpdf \
	fonts-dejavu-core fonts-dejavu-extra fonts-noto-core postgresql chromium
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export OMP_THREAD_LIMIT := 1

.PHONY: demo test system venv bench clean-state

demo: venv
	$(BIN)/sohoa demo

test: venv
	$(BIN)/python -m pytest -q -ra --durations=15

bench: venv
	$(BIN)/python bench/bench_ocr.py

# Debian packages: installed only when one is missing, so repeat runs are quick and offline.
system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@# PostgreSQL refuses to run as root: the test cluster runs as the postgres system user.
	@id -u postgres >/dev/null 2>&1 || $(SUDO) useradd --system --no-create-home postgres

# The venv is rebuilt when the pinned requirements change.
venv: system $(BIN)/.installed

$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

clean-state:
	rm -rf var demo-out
