# floe — the two commands a new machine needs are `make demo` and `make test`.
GO       ?= go
BIN      := bin
FLOE     := $(BIN)/floe
DEMO     := examples/demo
IMAGETAG := 0123456789abcdef0123456789abcdef01234567
# The sidecar image's name, recorded in out/image/oci; deploy/argocd-cmp and
# deploy/argocd-helm use the same placeholder (users set theirs with kustomize images: / Helm values).
IMAGE    ?= ghcr.io/floe-dev/floe-argocd-cmp:dev
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

# One build configuration for everything: the tests, the binaries the end-to-end tests
# build, `make build` and the static binary `make image` packs all compile the same
# packages the same way (no cgo, trimmed paths), so a cold `make test` compiles the
# module's dependency graph once instead of once per configuration.
export CGO_ENABLED := 0
export GOFLAGS    := -trimpath $(GOFLAGS)

.PHONY: all build demo test unit e2e vet update-golden fuzz bench clean image image-test

all: build

build:
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(FLOE) ./cmd/floe

# Renders the bundled example product (customer-360 on the contract's default runtime).
demo: build
	$(FLOE) render --root $(DEMO) --contract platform/pec-dev.yaml --image-tag $(IMAGETAG) $(DEMO)/demo/customer-360

# Every test: vet, the main module, and the nested end-to-end modules.
test: vet unit e2e image-test

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -timeout 30m ./...

# --- argocd (Argo CD CMP end-to-end; nested module e2e/argocd, argo-cd v3.3.19) ---
# Builds bin-less: the test compiles ./cmd/floe into a temp dir and serves
# argocd/plugin.yaml with Argo CD's own CMP service on a unix socket.
e2e:
	cd e2e/argocd && $(GO) test -count=1 -timeout 30m ./...
# --- end argocd ---

# --- image (the floe Argo CD sidecar as a reproducible OCI layout; nested module tools/image,
# go-containerregistry v0.22.1; no Docker) ---
# out/image/oci: one layer (static floe, plugin.yaml, passwd uid 999), entrypoint
# `floe cmp-server`, user 999. Prints the manifest digest; the same sources give the same one.
image:
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags "-s -w -buildid= -X main.version=$(VERSION)" -o out/image/floe ./cmd/floe
	cd tools/image && $(GO) run . -binary ../../out/image/floe -plugin ../../argocd/plugin.yaml -out ../../out/image/oci -ref $(IMAGE)

# Structure test: two builds, one digest; user, entrypoint, files, static binary, no shell.
image-test:
	cd tools/image && $(GO) test -count=1 -timeout 30m ./...
# --- end image ---

update-golden:
	$(GO) test ./... -update

# Runs every fuzz target of every package for FUZZTIME each (seeds run in `make test` too).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep ^Fuzz); do \
			echo "== $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# --- bench-scale (side-by-side whole-process benchmarks; bench/README.md) ---
# `make bench` also runs them first: floe vs helm/kustomize/conftest, post-render,
# policy vs conftest, 1,000 products in one render --all, start-up. Markdown on stdout.
.PHONY: bench-scale
bench: bench-scale
bench-scale:
	bench/run.sh
# --- end bench-scale ---

clean:
	rm -rf $(BIN)
