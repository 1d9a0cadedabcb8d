# specdet — build, test and measure. `make demo` runs the main job, `make test` the tests;
# both install the Debian packages they need first (as root, or with sudo).

SWIFT        ?= swift
PREFIX       ?= /usr/local
SHARED       ?= ../shared
# The build folder (`make release SCRATCH=.build-mine` keeps a worktree's builds apart).
SCRATCH      ?= .build
APT_PACKAGES := libfftw3-dev libpng-dev libjpeg-dev libwebp-dev libheif-dev libtiff-dev liblinear-dev libsvm-dev pkg-config
# What the tests need besides the build: rsvg-convert renders the plots (nothing drawn off the
# canvas) and headless Chromium opens the report (about a minute to install; CI installs both).
TEST_APT_PACKAGES := librsvg2-bin chromium
SUDO         := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
SWIFT_BUILD  := $(SWIFT) build --scratch-path $(SCRATCH)
SWIFT_TEST   := $(SWIFT) test --scratch-path $(SCRATCH)
RELEASE_BIN  := $(SCRATCH)/release/specdet

# Suites marked `.slow` in the tests (SPECDET_TESTS=all enables them): `make test` skips them,
# `make test-slow` runs only them, `make test-all` runs everything.
SLOW_SUITES  := MalformedCorpusTests|ScoreOverMalformedTests

.PHONY: deps test-deps build release test test-slow test-all install demo default-model parity accuracy robustness bench bench-report screenshots scale-check spark-check fuzz asan clean

# Installs the Debian packages of $(1) that are missing (nothing when all are present).
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

## Install the -dev packages that are missing.
deps:
	$(call apt_install,$(APT_PACKAGES))

## Also the programs the tests drive: rsvg-convert and chromium.
test-deps: deps
	$(call apt_install,$(TEST_APT_PACKAGES))

build: deps
	$(SWIFT_BUILD)

release: deps
	$(SWIFT_BUILD) -c release --static-swift-stdlib

## The fast test set: a few minutes after the build on a busy 2-core machine.
test: test-deps
	$(SWIFT_TEST)

## The slow suites only (the whole malformed corpus end to end).
test-slow: test-deps
	SPECDET_TESTS=all $(SWIFT_TEST) --filter '$(SLOW_SUITES)'

## Every test.
test-all: test-deps
	SPECDET_TESTS=all $(SWIFT_TEST)

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

## Retrain the built-in model: the development part of ../shared/data/dev and dev-sr and the
## sr-extra corpus (tools/make_training_data.py makes it; SR_EXTRA=DIR), then rebuild to embed it.
SR_EXTRA ?= $(SCRATCH)/sr-extra
default-model: release
	@tools/require_shared.sh $(SHARED)
	python3 tools/make_default_model.py --shared $(SHARED) --sr-extra $(SR_EXTRA) --specdet $(RELEASE_BIN) \
	  --work $(SCRATCH)/default-model
	# The assembler's .incbin is a dependency no build tool sees: touch the file that includes it.
	touch Sources/_SpecdetDefaultModel/default_model.c
	$(SWIFT_BUILD) -c release --static-swift-stdlib

## Throughput beside the reference, per-stage floor, memory, training time (needs ../shared), then bench-report.
bench: release
	$(SWIFT_BUILD) -c release --static-swift-stdlib --product specdet-stage-benchmark
	tools/bench.sh $(SHARED) $(RELEASE_BIN) $(SCRATCH)/release/specdet-stage-benchmark
	tools/bench_report.sh $(RELEASE_BIN)

## Size and peak memory of reports of 2,000 and 20,000 inputs (the fixtures listed again and again).
bench-report: release
	tools/bench_report.sh $(RELEASE_BIN)

## docs/report.png: headless Chromium's screenshot of a report of the fixtures.
screenshots: release test-deps
	tools/screenshots.sh $(RELEASE_BIN)

## The scale-out recipes of docs/SCALE.md run here on Fixtures/images (no ../shared): shards through
## GNU parallel with one killed and resumed, throughput of 1 and 2 processes, memory over a
## 10-million-line list. SCALE_CHECK=--quick: fewer inputs and a 1-million-line list (CI).
SCALE_CHECK ?=
scale-check: release
	tools/scale_check.sh $(SCALE_CHECK) $(RELEASE_BIN)

## examples/spark in Spark's local mode against one local run (installs Java with apt-get and
## pyspark into $(SCRATCH)/spark-venv when missing).
spark-check: release
	tools/spark_check.sh $(RELEASE_BIN) $(SCRATCH)/spark-venv

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

## Decode, profile, classifier and reliability tests under AddressSanitizer (own scratch folder .build-asan; slow).
asan: deps
	tools/asan.sh

## Robustness to JPEG q90/q75 and halving: the same lockbox run as `make accuracy` (one harness, every condition).
robustness: accuracy
