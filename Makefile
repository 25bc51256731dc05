# p2p-chat — build, test and benchmark entry points.
#   make deps     install the Debian packages the build needs (only the missing ones)
#   make test-deps  deps + the packages the interop and terminal tests need
#   make venv     .venv with py-libp2p $(LIBP2P_VERSION) for the interop tests (no-op when already there)
#   make build    release build: .build/release/p2p-chat
#   make static   release build with the Swift runtime linked in, stripped: .build/p2p-chat (the Docker image's)
#   make rootfs   static + the image's whole file system: .build/rootfs (and .build/rootfs-data, its /data)
#   make run      build, then run .build/release/p2p-chat $(ARGS)
#   make test     test-deps + venv, then swift test with P2P_CHAT_PY pointing at the venv
#   make bench    test-deps + venv + release build, then bench/run-all.sh (never fails on speed)
#   make clean    remove build products (make distclean also removes .venv)
SHELL := /bin/bash
.DEFAULT_GOAL := build
.PHONY: deps test-deps venv build static rootfs run test bench selftest-py clean distclean

BUILD_PACKAGES := libsodium-dev libncurses-dev libsqlite3-dev pkg-config
# What the image's file system takes from this machine besides the binary's libraries (scripts/rootfs.sh).
RUNTIME_PACKAGES := ncurses-base ncurses-term tzdata
TEST_PACKAGES := protobuf-compiler gcc python3-dev python3-venv libgmp-dev tmux iproute2
LIBP2P_VERSION := 0.8.1
PYTHON3 ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
SWIFT_BUILD_FLAGS ?=
ARGS ?=
# root needs no sudo; everyone else gets a non-interactive sudo (CI has no terminal to ask on)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo "sudo -n")

# $(call apt_install,PACKAGES): installs the packages that are missing, with apt-get.
define apt_install
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "deps: no dpkg here; install by hand: $(1)"; exit 0; fi; \
	missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing </dev/null
endef

deps:
	$(call apt_install,$(BUILD_PACKAGES))

test-deps: deps
	$(call apt_install,$(TEST_PACKAGES))

venv: test-deps
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

# What the Docker image ships: no Swift runtime needed on the target, symbols stripped.
# Linked by lld with packed relative relocations (DT_RELR, glibc >= 2.36) and without exporting every symbol
# (the static runtime's link flags ask for -export-dynamic): the loader then reads ~3.5 MB less of the binary at
# start, which is RSS (bench/README.md, issue 4). Its own scratch path keeps it from rebuilding .build/release.
STATIC_LINK_FLAGS := -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic
STATIC_SCRATCH := .build/static
static: deps
	swift build -c release --static-swift-stdlib --product p2p-chat --scratch-path $(STATIC_SCRATCH) \
	  $(STATIC_LINK_FLAGS) $(SWIFT_BUILD_FLAGS)
	strip -o .build/p2p-chat $(STATIC_SCRATCH)/release/p2p-chat
	@ls -l .build/p2p-chat | awk '{ printf "static: .build/p2p-chat, %.1f MB stripped\n", $$5 / 1048576 }'

# The container image is FROM scratch plus this tree: the binary, the libraries it links, terminfo, zoneinfo,
# themes, passwd (scripts/rootfs.sh). ImageRootfsTests runs p2p-chat in such a tree with chroot.
rootfs: static
	$(call apt_install,$(RUNTIME_PACKAGES))
	scripts/rootfs.sh .build/p2p-chat .build/rootfs
	rm -rf .build/rootfs-data && mkdir -m 0700 .build/rootfs-data

run: deps build
	.build/release/p2p-chat $(ARGS)

test: test-deps venv
	P2P_CHAT_PY=$(CURDIR)/$(VENV_PY) swift test $(SWIFT_TEST_FLAGS)

# py↔py check of the interop harness itself (Tests/Interop/py)
selftest-py: venv
	$(VENV_PY) Tests/Interop/py/selftest.py

bench: test-deps venv build
	P2P_CHAT_PY=$(CURDIR)/$(VENV_PY) P2P_CHAT_BIN=$(CURDIR)/.build/release/p2p-chat bench/run-all.sh

clean:
	rm -rf .build

distclean: clean
	rm -rf $(VENV)
