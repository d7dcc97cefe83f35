# tern — thin wrapper over CMake/Ninja. `make run` and `make test` install what is
# missing (Debian packages), build, then serve / test.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
CMAKE_GEN   = -G Ninja
# ccache keys on paths relative to the checkout, so every clone shares one cache.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1
CTEST_ARGS ?= --output-on-failure -j $(JOBS)
# The tests that exercise tern's threads (run under ThreadSanitizer by test-tsan).
TSAN_TESTS ?= RunGate|ReadPrefetch|AcceptingChildren|ListenerProtocol|ConnectionTask|Async|StaticServing|Control|Status|Scoreboard|FileCache|LogAccess|ErrorLog|Limits|LogRateLimit|Regex|Deadlines|Cgi|PasswordFile|AuthBasic|Tls|Sessions/|SessionResume|SslSessionCache|TicketKeys|SslVars|ClientVerify|Stapling

.PHONY: all deps deps-test build run test unit integration test-asan test-tsan bench format clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Only the server: the test binaries are for `make test` (minutes on a small machine).
run: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target tern
	@mkdir -p logs
	$(BUILD)/tern -d $(CURDIR) -f conf/tern.conf

test: deps-test build
	scripts/check_layers.sh
	cd $(BUILD) && ctest $(CTEST_ARGS)

unit: build
	cd $(BUILD) && ctest $(CTEST_ARGS) -L unit

integration: build
	cd $(BUILD) && ctest $(CTEST_ARGS) -L integration

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=address,undefined

test-asan: deps-test $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ctest $(CTEST_ARGS)

$(TSAN_BUILD)/build.ninja:
	cmake -S . -B $(TSAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=thread

test-tsan: deps-test $(TSAN_BUILD)/build.ninja
	cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1 ctest $(CTEST_ARGS) -R '$(TSAN_TESTS)'

# libFuzzer targets (fuzz/*_fuzz.cpp), built by clang with -DTERN_FUZZ=ON in $(FUZZ_BUILD).
# `make fuzz` runs each for FUZZ_SECONDS, one after another, growing fuzz/corpus/<target>/;
# `make fuzz-smoke` (CI) runs each for FUZZ_SMOKE_SECONDS and fails on any finding.
# FUZZ_TARGETS narrows the set, FUZZ_ARGS passes libFuzzer flags.
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TARGETS ?= request_parser range log_format config_parser path_resolve
.PHONY: deps-fuzz fuzz-build fuzz fuzz-smoke

deps-fuzz:
	@scripts/deps.sh fuzz

$(FUZZ_BUILD)/build.ninja:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_FUZZ=ON

fuzz-build: deps-fuzz $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) long $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) smoke $(FUZZ_TARGETS)

bench: build
	@scripts/deps.sh bench
	cc -O2 -Wall -Wextra -Werror -o $(BUILD)/bench_fixed_loop bench/fixed_loop.c -luring
	bench/run.sh --fixed-loop $(BUILD)/bench_fixed_loop $(BUILD)/tern

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
