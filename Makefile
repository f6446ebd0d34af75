# Casparian — build, test, demo and benchmark.
# `make demo` and `make test` work on a fresh Debian machine: `deps` installs
# what is missing and is quiet when everything is there.

SHELL      := /bin/bash
SWIFT      ?= swift
SYSPYTHON  := /usr/bin/python3
VENV       := .venv-test
VENV_STAMP := $(VENV)/.installed
# libcurl4-openssl-dev: Foundation's networking, which the MCP SDK (casparian-mcp) links.
# libssl-dev: libcrypto's headers and static archive (SHA-256 and HMAC, the Digest module).
# libpq-dev: libpq-fe.h, the types of the CLibPQ shim (libpq5 itself is opened
#   with dlopen when a PostgreSQL target is used, never linked: see Package.swift).
# postgresql: the throwaway server `make test` starts (scripts/test-postgres.sh)
#   and psql, the plain SQL client the Postgres tests check against.
# libzstd-dev: Zstandard's headers and static archive (page compression, the Parquet module).
# chromium, chromium-driver: the real browser the Parser Lab's end-to-end tests drive (Selenium).
# firefox-esr: the other browser they drive, through Marionette (marionette_driver; no geckodriver).
APT_PKGS   := libsqlite3-dev libpython3-dev python3-venv zlib1g-dev libcurl4-openssl-dev libssl-dev libpq-dev postgresql libzstd-dev \
              chromium chromium-driver firefox-esr
BIN        := .build/debug/casparian

.PHONY: all deps build release libpython-object test demo bench fuzz sanitize lint format clean bootstrap-code

all: build

deps: $(VENV_STAMP)
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The venv needs python3-venv, so the Debian packages come first.
$(VENV_STAMP): requirements-test.txt
	@for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || { \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		echo "installing Debian packages: $(APT_PKGS)"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PKGS) >/dev/null; break; }; done
	@echo "creating the test virtual environment in $(VENV) (Python packages from requirements-test.txt)"
	@[ -x $(VENV)/bin/python ] || $(SYSPYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
	@touch $@

# The host (casparian), the plugin worker it starts (casparian-worker), the
# MCP server `casparian mcp` becomes (casparian-mcp) and the Parser Lab
# `casparian lab` becomes (casparian-lab): they stay side by side.
build:
	@$(SWIFT) build --product casparian
	@$(SWIFT) build --product casparian-worker
	@$(SWIFT) build --product casparian-mcp
	@$(SWIFT) build --product casparian-lab

# The Swift runtime and Foundation linked in: every process (the host and
# each worker) starts ~10-20 ms sooner than with ~50 shared libraries. That
# link hides the symbols of static archives (--exclude-libs ALL), so the
# worker gets libpython as one relocatable object instead, whose symbols it
# exports to the C extension modules plugins import (see Package.swift).
LIBPYTHON_OBJECT := .build/libpython/libpython3.11.o
RELEASE_ENV      := CASPARIAN_LIBPYTHON_OBJECT=$(CURDIR)/$(LIBPYTHON_OBJECT)

release: deps libpython-object
	@$(RELEASE_ENV) $(SWIFT) build -c release --static-swift-stdlib --product casparian
	@$(RELEASE_ENV) $(SWIFT) build -c release --static-swift-stdlib --product casparian-worker
	@$(RELEASE_ENV) $(SWIFT) build -c release --static-swift-stdlib --product casparian-mcp
	@$(RELEASE_ENV) $(SWIFT) build -c release --static-swift-stdlib --product casparian-lab
	@$(RELEASE_ENV) $(SWIFT) build -c release --static-swift-stdlib --product casparian-bench

# Made again only when Debian's archive is newer (a python3.11 update).
libpython-object: deps
	@archive="$$($(SYSPYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LIBPL"))')/libpython3.11.a"; \
	[ -f "$$archive" ] || { echo "error: $$archive is missing: install libpython3.11-dev (make deps)" >&2; exit 1; }; \
	[ "$(LIBPYTHON_OBJECT)" -nt "$$archive" ] || { mkdir -p $(dir $(LIBPYTHON_OBJECT)) && \
		ld -r --whole-archive "$$archive" -o $(LIBPYTHON_OBJECT).tmp && mv $(LIBPYTHON_OBJECT).tmp $(LIBPYTHON_OBJECT); }

# Tests write workspaces, corpora and catalogs under a scratch TMPDIR of
# their own, removed afterwards whatever the outcome: /tmp stays clean.
# The release binaries are built first: the "Release binaries" suite runs
# plugins through what users install (CASPARIAN_RELEASE_DIR), which links
# differently from the debug build the other tests use.
# A throwaway PostgreSQL server (Unix socket only, in the scratch folder)
# serves the tests that write to PostgreSQL (CASPARIAN_TEST_POSTGRES_URL);
# the EXIT trap stops it however the tests end, keeping their exit status.
test: deps lint release
	@scratch=$$(mktemp -d -t casparian-test.XXXXXX) && chmod 755 "$$scratch"; \
	trap 'bash scripts/test-postgres.sh stop "$$scratch/pg"; rm -rf "$$scratch"' EXIT; \
	pg_url=$$(bash scripts/test-postgres.sh start "$$scratch/pg") || exit 1; \
	TMPDIR=$$scratch CASPARIAN_TEST_VENV=$(CURDIR)/$(VENV) CASPARIAN_RELEASE_DIR=$(CURDIR)/.build/release \
	CASPARIAN_TEST_POSTGRES_URL="$$pg_url" $(SWIFT) test; status=$$?; \
	exit $$status

demo: deps build
	@bash scripts/demo.sh

bench: deps release
	@bash scripts/bench/run.sh

# libFuzzer over every reader of untrusted bytes (scripts/fuzz/build.sh
# says how the harnesses are built): FUZZ_SECONDS per target (default 60),
# FUZZ_TARGETS for a subset; fails on a crash, a hang or a leak.
FUZZ_SECONDS ?= 60
fuzz:
	@bash scripts/fuzz/build.sh
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz/run.sh

# The test suite under AddressSanitizer, then ThreadSanitizer, each in a
# build folder of its own (.build-address, .build-thread): long (a full
# build and run each). SANITIZERS=address (or thread) runs one.
sanitize: deps
	@bash scripts/sanitize.sh

# Reports what differs from .swift-format (the tree is not fully formatted
# yet: `make format` rewrites it); add --strict once it is clean.
# Strict: any formatting difference fails (make format fixes most of them).
lint:
	@$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	@$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	@rm -rf .build $(VENV)

# The worker bootstrap, compiled and marshalled by the CPython 3.11 workers
# embed (Sources/PythonWorker/BootstrapCode.swift): run after editing
# Bootstrap.source, and commit the result (a test checks it is current).
bootstrap-code:
	@$(SYSPYTHON) scripts/gen-bootstrap-code.py
