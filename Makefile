# specdet — build, test and measure. `make demo` runs the main job, `make test` the tests;
# both install the Debian packages they need first (as root, or with sudo).

SWIFT        ?= swift
PREFIX       ?= /usr/local
SHARED       ?= ../shared
# The build folder (`make release SCRATCH=.build-mine` keeps a worktree's builds apart).
SCRATCH      ?= .build
APT_PACKAGES := libfftw3-dev libpng-dev libjpeg-dev libwebp-dev libheif-dev libtiff-dev liblinear-dev libsvm-dev pkg-config
SUDO         := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
RELEASE_BIN  := $(SCRATCH)/release/specdet
SWIFT_BUILD  := $(SWIFT) build --scratch-path $(SCRATCH)

# Suites marked `.slow` in the tests (SPECDET_TESTS=all enables them): `make test` skips them,
# `make test-slow` runs only them, `make test-all` runs everything.
SLOW_SUITES  := MalformedCorpusTests|ScoreOverMalformedTests

.PHONY: deps build release test test-slow test-all install demo default-model parity accuracy robustness bench fuzz asan clean

## Install the -dev packages that are missing (nothing when all are present).
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT_BUILD)

release: deps
	$(SWIFT_BUILD) -c release --static-swift-stdlib

## The fast test set: a few minutes after the build on a busy 2-core machine.
test: deps
	$(SWIFT) test --scratch-path $(SCRATCH)

## The slow suites only (the whole malformed corpus end to end).
test-slow: deps
	SPECDET_TESTS=all $(SWIFT) test --scratch-path $(SCRATCH) --filter '$(SLOW_SUITES)'

## Every test.
test-all: deps
	SPECDET_TESTS=all $(SWIFT) test --scratch-path $(SCRATCH)

## A self-contained, stripped binary (Swift runtime linked in, default model embedded).
install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -s -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/specdet

## The main job: score the fixtures with the built-in default model, as a table.
demo: release
	$(RELEASE_BIN) score --format table Fixtures/images

## Parity of `specdet profile` with the reference script on every dev and bench image (needs ../shared).
parity: release
	@tools/require_shared.sh $(SHARED)
	tools/parity_all.sh $(SHARED) $(RELEASE_BIN)

clean:
	rm -rf $(SCRATCH)

## Retrain the built-in default model from ../shared/data/dev (then rebuild to embed it).
default-model: release
	tools/make_default_model.sh $(SHARED) $(RELEASE_BIN)
	$(SWIFT_BUILD) -c release --static-swift-stdlib

## Throughput beside the reference, per-stage floor, memory, training time (needs ../shared).
bench: release
	$(SWIFT_BUILD) -c release --static-swift-stdlib --product specdet-stage-benchmark
	tools/bench.sh $(SHARED) $(RELEASE_BIN) $(SCRATCH)/release/specdet-stage-benchmark

# The lockbox evaluation (tools/accuracy.py): which configurations of tools/accuracy_configs.txt
# and which training sets to run (default: all), the model files to score beside them
# (NAME=FILE, FILE git:REV for the built-in model at a revision), worker threads.
ACCURACY_CONFIGS ?=
ACCURACY_CORPORA ?=
ACCURACY_MODELS  ?= built-in=Sources/_SpecdetDefaultModel/model/default-model.json
ACCURACY_JOBS    ?= 2

## Train on the development part, score the lockbox once: accuracy, oracle and AUC with
## bootstrap intervals, clean, JPEG q90/q75 and halved -> docs/ACCURACY.md, docs/accuracy.json (needs ../shared).
accuracy: release
	@tools/require_shared.sh $(SHARED)
	python3 tools/accuracy.py --shared $(SHARED) --specdet $(RELEASE_BIN) --work $(SCRATCH)/accuracy \
	  $(if $(strip $(ACCURACY_CONFIGS)),--configs "$(ACCURACY_CONFIGS)") \
	  $(if $(strip $(ACCURACY_CORPORA)),--corpora "$(ACCURACY_CORPORA)") \
	  $(foreach m,$(ACCURACY_MODELS),--model $(m)) --jobs $(ACCURACY_JOBS)

FUZZ_SECONDS ?= 600

## libFuzzer over the C decode glue, one core (corpus in /tmp/specdet-fuzz; finds go to Fixtures/fuzz-regressions/).
fuzz: deps
	tools/fuzz/run.sh $(FUZZ_SECONDS)
	tools/fuzz/stats.sh

## Decode, profile and reliability tests under AddressSanitizer (own scratch folder .build-asan; slow).
asan: deps
	tools/asan.sh

## Robustness to JPEG q90/q75 and halving: the same lockbox run as `make accuracy` (one harness, every condition).
robustness: accuracy
