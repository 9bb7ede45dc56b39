# Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
BUILD ?= build
TYPE ?= RelWithDebInfo
WERROR ?= OFF
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test bench fuzz screenshots image clean

all: build

deps:
	@./.ci/deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(TYPE) -DSALESFLOW_WERROR=$(WERROR)

configure: deps $(BUILD)/build.ninja
	cmake -S . -B $(BUILD) -DSALESFLOW_WERROR=$(WERROR) > /dev/null

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The desktop app on its embedded engine (SQLite in the app-data folder), seeded on first start.
run: build
	./$(BUILD)/app/salesflow

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900

# docs/screenshots/*.png from the real app (offscreen) on a fresh store with the sample events.
screenshots: build
	rm -rf $(BUILD)/screenshots-home && mkdir -p $(BUILD)/screenshots-home
	HOME=$(CURDIR)/$(BUILD)/screenshots-home XDG_CONFIG_HOME=$(CURDIR)/$(BUILD)/screenshots-home \
	XDG_DATA_HOME=$(CURDIR)/$(BUILD)/screenshots-home QT_QPA_PLATFORM=offscreen SALESFLOW_REVIEW_THRESHOLD=0.7 \
	SALESFLOW_DB=sqlite://$(CURDIR)/$(BUILD)/screenshots-home/store.db \
	./$(BUILD)/app/salesflow --screenshots docs/screenshots

# Durable ingest over HTTP vs pgbench, and the job queue, against a real PostgreSQL.
bench: build
	./$(BUILD)/tests/bench/salesflow_bench

# One libFuzzer target per source parser (clang, ASan, UBSan), FUZZ_SECONDS each (default 20).
fuzz: deps
	./tests/fuzz/run build-fuzz

# The salesflowd container image (deploy/Dockerfile) with docker, podman or buildah; says so when
# the machine has none of them.
image:
	./deploy/image.sh

clean:
	rm -rf $(BUILD) build-fuzz
