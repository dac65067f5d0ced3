# Thin wrapper over CMake. `make run` and `make test` install missing Debian packages first.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PYTHON ?= /usr/bin/python3

.PHONY: all deps configure build run test test-sanitize bench install clean fuzz

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: deps build
	@bash scripts/run-demo.sh $(BUILD)

test: deps build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	PXC_BUILD_DIR=$(abspath $(BUILD)) $(PYTHON) -m pytest -q tests/python tests/gpu

test-sanitize: deps
	@bash scripts/test-sanitize.sh

bench: deps build
	@bash bench/run.sh $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-asan build-tsan

# libFuzzer targets (clang 14, own build dir), each run FUZZ_SECONDS; see docs/ARCHITECTURE.md, Fuzzing.
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= /tmp/build-fuzz
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_JOBS=$(JOBS) bash fuzz/run.sh
