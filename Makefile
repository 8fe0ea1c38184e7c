# dyson: two commands do all set-up on a fresh Debian machine.
#   make run   installs what is missing, builds in release, runs the default pipeline
#   make test  installs what is missing, runs the Swift tests and the Python interop checks
SHELL := /bin/bash
APT_PACKAGES := libhdf5-dev liblapacke-dev libopenblas-dev pkg-config hdf5-tools zlib1g-dev
PY_PACKAGES := h5py numpy scipy pytest xarray h5netcdf nbclient nbformat ipykernel matplotlib safetensors mpmath
PIPELINE ?= pipelines/teacher-student.toml
DYSON := .build/release/dyson
# The Swift runtime and Foundation linked into the binary: every stage is a short process, and
# loading them (with ICU) as shared libraries cost ≈ 5–10 ms of each start.
RELEASE_BUILD := swift build -c release --static-swift-stdlib

.PHONY: all deps build run test test-swift test-interop bench clean reproduce slurm-check

all: build

# Installs only what is missing: apt needs root (CI and these machines run as root).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c "import h5py, numpy, scipy, pytest, xarray, h5netcdf, nbclient, nbformat, ipykernel, matplotlib, safetensors, mpmath" 2>/dev/null || python3 -m pip install -q $(PY_PACKAGES)

build: deps
	$(RELEASE_BUILD) --product dyson

run: build
	$(DYSON) run $(PIPELINE)

test: deps
	$(MAKE) test-swift
	$(MAKE) test-interop

# The CLI tests run the release binary, so build it first.
test-swift:
	$(RELEASE_BUILD) --product dyson
	DYSON_BINARY=$(CURDIR)/$(DYSON) swift test

test-interop:
	DYSON_BINARY=$(CURDIR)/$(DYSON) python3 -m pytest -q Tests/Interop

# Every pipeline's small default, each with its HTML report (figures from the executed notebook),
# and the notebooks in notebooks-export/. The paper scale is `dyson run PIPELINE --paper`.
PIPELINES := $(wildcard pipelines/*.toml)
reproduce: build
	@for p in $(PIPELINES); do echo "== $$p"; $(DYSON) run $$p --html >/dev/null || exit 1; done
	$(DYSON) export $(PIPELINES)

# The sweep's job array under a single-node Slurm (installs and starts slurm-wlm; root only).
slurm-check: build
	bash Tests/Slurm/single_node.sh

bench: build
	python3 Tests/Baselines/bench_teacher_student.py --dyson $(DYSON)

clean:
	rm -rf .build data/teacher-student
