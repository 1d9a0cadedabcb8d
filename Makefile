# specdet — build, test and measure. `make demo` runs the main job, `make test` the tests;
# both install the Debian packages they need first (as root, or with sudo).

SWIFT        ?= swift
PREFIX       ?= /usr/local
SHARED       ?= ../shared
# Build folder: another one (SCRATCH=.build-mine) keeps a second checkout's builds apart.
SCRATCH      ?= .build
APT_PACKAGES := libfftw3-dev libpng-dev libjpeg-dev liblinear-dev libsvm-dev pkg-config
SUDO         := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
RELEASE_BIN  := $(SCRATCH)/release/specdet

.PHONY: deps build release test install demo default-model parity accuracy robustness bench fuzz asan clean

## Install the -dev packages that are missing (nothing when all are present).
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build --scratch-path $(SCRATCH)

release: deps
	$(SWIFT) build --scratch-path $(SCRATCH) -c release --static-swift-stdlib

test: deps
	$(SWIFT) test --scratch-path $(SCRATCH)

## A self-contained binary (Swift runtime linked in, default model embedded).
install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/specdet

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
	$(SWIFT) build --scratch-path $(SCRATCH) -c release --static-swift-stdlib

## Throughput beside the reference, per-stage floor, memory, training time (needs ../shared).
bench: release
	$(SWIFT) build --scratch-path $(SCRATCH) -c release --static-swift-stdlib --product specdet-stage-benchmark
	tools/bench.sh $(SHARED) $(RELEASE_BIN) $(SCRATCH)/release/specdet-stage-benchmark

## Grouped 5-fold CV of training configurations beside the reference on every dev corpus -> docs/ACCURACY.md (needs ../shared).
accuracy: release
	@tools/require_shared.sh $(SHARED)
	tools/accuracy.sh $(SHARED) $(RELEASE_BIN)

FUZZ_SECONDS ?= 600

## libFuzzer over the C decode glue, one core (corpus in /tmp/specdet-fuzz; finds go to Fixtures/fuzz-regressions/).
fuzz: deps
	tools/fuzz/run.sh $(FUZZ_SECONDS)
	tools/fuzz/stats.sh

## Decode, profile and reliability tests under AddressSanitizer (own scratch folder .build-asan; slow).
asan: deps
	tools/asan.sh

## Robustness to JPEG q90/q75 and halving on held-out dev photographs beside the reference (needs ../shared).
robustness: release
	@tools/require_shared.sh $(SHARED)
	tools/robustness.sh $(SHARED) $(RELEASE_BIN)
