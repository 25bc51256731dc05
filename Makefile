# p2p-chat — build, test and benchmark entry points.
#   make deps     install the Debian packages the build and the interop tests need (only the missing ones)
#   make venv     .venv with py-libp2p $(LIBP2P_VERSION) for the interop tests (no-op when already there)
#   make build    release build: .build/release/p2p-chat
#   make run      build, then run .build/release/p2p-chat $(ARGS)
#   make test     deps + venv, then swift test with P2P_CHAT_PY pointing at the venv
#   make bench    deps + venv + release build, then bench/run-all.sh (never fails on speed)
#   make clean    remove build products (make distclean also removes .venv)
SHELL := /bin/bash
.DEFAULT_GOAL := build
.PHONY: deps venv build run test bench selftest-py clean distclean

APT_PACKAGES := libsodium-dev libncurses-dev libsqlite3-dev protobuf-compiler pkg-config gcc \
                python3-dev python3-venv libgmp-dev tmux
LIBP2P_VERSION := 0.8.1
PYTHON3 ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
SWIFT_BUILD_FLAGS ?=
ARGS ?=
# root needs no sudo; everyone else gets a non-interactive sudo (CI has no terminal to ask on)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo "sudo -n")

deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "deps: no dpkg here; install by hand: $(APT_PACKAGES)"; exit 0; fi; \
	missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing </dev/null

venv: deps
	@if $(VENV_PY) -c 'import libp2p, importlib.metadata as m; assert m.version("libp2p") == "$(LIBP2P_VERSION)"' >/dev/null 2>&1; then \
	  echo "venv: py-libp2p $(LIBP2P_VERSION) present in $(VENV)"; \
	else \
	  if ! $(VENV_PY) -c 'import sys' >/dev/null 2>&1; then \
	    echo "venv: creating $(VENV)"; $(PYTHON3) -m venv --clear $(VENV); fi; \
	  echo "venv: installing libp2p==$(LIBP2P_VERSION)"; \
	  $(VENV_PY) -m pip install -q --disable-pip-version-check "libp2p==$(LIBP2P_VERSION)" </dev/null && \
	  $(VENV_PY) -c 'import libp2p'; \
	fi

build: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

run: deps build
	.build/release/p2p-chat $(ARGS)

test: deps venv
	P2P_CHAT_PY=$(CURDIR)/$(VENV_PY) swift test $(SWIFT_TEST_FLAGS)

# py↔py check of the interop harness itself (Tests/Interop/py)
selftest-py: venv
	$(VENV_PY) Tests/Interop/py/selftest.py

bench: deps venv build
	P2P_CHAT_PY=$(CURDIR)/$(VENV_PY) P2P_CHAT_BIN=$(CURDIR)/.build/release/p2p-chat bench/run-all.sh

clean:
	rm -rf .build

distclean: clean
	rm -rf $(VENV)
