# nix-gograph — see README.md. `make demo` and `make test` do all the set-up.
SHELL := /bin/bash
CACHE ?= $(HOME)/.cache/nix-gograph
BUILD := build
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

export PKG_CONFIG_PATH := $(PKG_CONFIG_PATH):/usr/lib/nix/pkgconfig

# The Nix the plugin is built for: the first `nix` on PATH's pkg-config files.
# (make 4.3 does not pass exported variables to $(shell), hence PKG_CONFIG.)
PKG_CONFIG := PKG_CONFIG_PATH='$(PKG_CONFIG_PATH)' pkg-config
NIX_VERSION := $(shell $(PKG_CONFIG) --modversion nix-expr 2>/dev/null)
NIX_PC_INCLUDE := $(shell $(PKG_CONFIG) --variable=includedir nix-expr 2>/dev/null)
# Real headers (a Nix user's machine) win; Debian's nix-bin ships none, so
# install-deps.sh takes them from Debian's source package.
ifneq ($(wildcard $(NIX_PC_INCLUDE)/nix/eval.hh $(NIX_PC_INCLUDE)/nix/expr/eval.hh),)
  NIX_CFLAGS := $(shell $(PKG_CONFIG) --cflags nix-expr nix-store nix-main)
else
  NIX_INCLUDE := $(CACHE)/nix-$(NIX_VERSION)/include
  NIX_CFLAGS := -I$(NIX_INCLUDE)/nix -include $(NIX_INCLUDE)/nix/config.h
endif
NIX_LIBS := $(shell $(PKG_CONFIG) --libs nix-expr nix-store nix-main 2>/dev/null)
NIX_VERSION_NUM := $(shell echo '$(NIX_VERSION)' | awk -F. '{ printf "%d%02d%02d", $$1, $$2, $$3 }')

# Nix 2.28+ headers need C++23 (and g++ 16 warns about a header's use of
# hardware_destructive_interference_size); Nix 2.8's are C++17.
ifeq ($(shell test 0$(NIX_VERSION_NUM) -ge 22800 && echo new),new)
  CXXSTD := -std=c++23 -Wno-interference-size
else
  CXXSTD := -std=c++17
endif

CXX ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += $(CXXSTD) -fPIC -Wall -Wno-deprecated-declarations \
  -DGOGRAPH_NIX_VERSION=$(NIX_VERSION_NUM) -DGOGRAPH_NIX_VERSION_STRING='"$(NIX_VERSION)"' \
  $(NIX_CFLAGS) -I$(BUILD) -Icshim

PLUGIN := $(BUILD)/libnix-gograph.so
GO_ARCHIVE := $(BUILD)/libgobridge.a
PLANNER := build/planner/bin/gograph
# The planning sandbox's helper, installed next to the plugin, which finds
# it there (static and std-only: it runs before anything else is mounted).
SANDBOX_HELPER := $(BUILD)/gograph-sandbox
CXX_SRCS := $(wildcard cshim/*.cc plugin/*.cc)
CXX_OBJS := $(patsubst %.cc,$(BUILD)/obj/%.o,$(CXX_SRCS))
GO_SRCS := go.mod go.sum $(shell find gobridge -name '*.go' -not -name '*_test.go')
# The planner's identity: plans it keeps between evaluations are reused
# only by the same code (gobridge/graph/plancache.go).
PLANNER_ID := $(shell sha256sum $$(printf '%s\n' $(GO_SRCS) | LC_ALL=C sort) | sha256sum | cut -c1-32)

.PHONY: all deps nix-modern plugin asan-plugin planner demo test unit-test integration-test bench clean
all: plugin
# The plugin, and the planner command the modes without the plugin run in
# derivations (static, so it runs in the sandbox of either Nix).
plugin: $(PLUGIN) $(PLANNER) $(SANDBOX_HELPER)
planner: $(PLANNER)

deps:
	scripts/install-deps.sh $(CACHE)

# Nix 2.34.8 with shared libraries, built in a Debian sid root under $(CACHE)
# (about 20 minutes the first time; a no-op afterwards).
NIX_TARBALL ?= ../shared/vendor/nix-2.34.8.tar.xz
nix-modern:
	scripts/nix-modern.sh $(CACHE) $(NIX_TARBALL)

$(PLANNER): $(GO_SRCS)
	@mkdir -p $(dir $@)
	CGO_ENABLED=0 $(GO) build -trimpath -o $@ ./gobridge/cmd/gograph

$(SANDBOX_HELPER): $(GO_SRCS)
	@mkdir -p $(dir $@)
	CGO_ENABLED=0 $(GO) build -trimpath -o $@ ./gobridge/cmd/gograph-sandbox

$(GO_ARCHIVE): $(GO_SRCS)
	@mkdir -p $(BUILD)
	CGO_ENABLED=1 $(GO) build -trimpath -buildmode=c-archive \
	  -ldflags '-X github.com/nix-gograph/nix-gograph/gobridge/graph.plannerID=$(PLANNER_ID)' -o $@ ./gobridge/abi

$(BUILD)/obj/%.o: %.cc $(wildcard cshim/*.hh) $(GO_ARCHIVE)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

$(PLUGIN): $(CXX_OBJS) $(GO_ARCHIVE)
	$(CXX) -shared -o $@ $(CXX_OBJS) $(GO_ARCHIVE) -Wl,-z,defs $(NIX_LIBS) -lgc -lpthread

# The plugin with its C++ objects instrumented by AddressSanitizer (the Go
# archive is the same), which tests/with-nix 2.8 runs the integration suite
# with, libasan preloaded into the nix processes; the sandbox helper is
# copied next to it, where the plugin looks for it.
ASAN_FLAGS := -fsanitize=address -fno-omit-frame-pointer
ASAN_PLUGIN := $(BUILD)/asan/libnix-gograph.so
ASAN_OBJS := $(patsubst %.cc,$(BUILD)/asan/obj/%.o,$(CXX_SRCS))
asan-plugin: $(ASAN_PLUGIN) $(BUILD)/asan/gograph-sandbox

$(BUILD)/asan/gograph-sandbox: $(SANDBOX_HELPER)
	@mkdir -p $(dir $@)
	cp $< $@

$(BUILD)/asan/obj/%.o: %.cc $(wildcard cshim/*.hh) $(GO_ARCHIVE)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_PLUGIN): $(ASAN_OBJS) $(GO_ARCHIVE)
	$(CXX) -shared $(ASAN_FLAGS) -o $@ $(ASAN_OBJS) $(GO_ARCHIVE) -Wl,-z,defs $(NIX_LIBS) -lgc -lpthread

# demo and bench run with Debian's Nix unless NIX=2.34 is given;
# tests/with-nix builds the plugin for that Nix first (not the ASan one).
NIX ?= 2.8
demo:
	GOGRAPH_ASAN=0 tests/with-nix $(NIX) tests/demo.sh

# flake/deb-extract is a Go module of its own (it needs an xz decoder).
unit-test:
	$(GO) vet ./...
	$(GO) test ./...
	# The -n parser's fuzz target (cmd/go's grammar read back), 30 s.
	$(GO) test -run '^$$' -fuzz '^FuzzCommandLine$$' -fuzztime 30s ./gobridge/plan
	# go.sum and netrc parsing (module fetching), 10 s each.
	$(GO) test -run '^$$' -fuzz '^FuzzParseGoSum$$' -fuzztime 10s ./gobridge/modfetch
	$(GO) test -run '^$$' -fuzz '^FuzzParseNetrc$$' -fuzztime 10s ./gobridge/modfetch
	# The request layer (decoding, validation, error responses), 10 s.
	$(GO) test -run '^$$' -fuzz '^FuzzRequest$$' -fuzztime 10s ./gobridge/graph
	$(GO) -C flake/deb-extract vet ./...
	$(GO) -C flake/deb-extract test ./...

# The integration suite runs on Debian's Nix 2.8 and on Nix 2.34; both run
# even if the first fails, and either failing fails the target.
integration-test:
	status=0; \
	tests/with-nix 2.8 tests/run.sh || status=1; \
	tests/with-nix 2.34 tests/run.sh || status=1; \
	exit $$status

test: unit-test integration-test

bench:
	GOGRAPH_ASAN=0 tests/with-nix $(NIX) tests/bench.sh

clean:
	rm -rf $(BUILD)
