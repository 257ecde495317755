# Galera operator — see README.md. Every target runs from the repository root.
SHELL := /bin/bash
.DEFAULT_GOAL := help
KUBECONFIG ?= $(CURDIR)/.cluster/kubeconfig
export KUBECONFIG
CP_BIN := $(shell bash -c 'source hack/cluster/lib.sh && echo $$CP_BIN')
KUBECTL := $(CP_BIN)/kubectl

.PHONY: help deps node-deps build controlplane cluster cluster-down cluster-purge endpoint install run test unit e2e demo bench crds

help:
	@echo "make demo | test | cluster | cluster-down | install | run | bench | endpoint SERVICE=ns/name PORT=n"

deps:
	@bash hack/deps.sh

# npm ci when node_modules is missing or older than the lock file.
node-deps:
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

build: node-deps
	@npx tsc -p tsconfig.json

# Regenerates manifests/crds from the zod schemas and copies them into the Helm chart.
crds: node-deps
	@node --import tsx src/crd/generate.ts
	@node --import tsx hack/sync-chart-crds.ts

controlplane: deps
	@bash hack/cluster/build-controlplane.sh

cluster: deps build controlplane
	@bash hack/cluster/up.sh

cluster-down:
	@bash hack/cluster/down.sh --keep-data

cluster-purge:
	@bash hack/cluster/down.sh --purge

# Prints host:port (the Service's ClusterIP) that reaches SERVICE=<ns>/<name> PORT=<port>.
endpoint:
	@test -n "$(SERVICE)" -a -n "$(PORT)" || { echo "usage: make -s endpoint SERVICE=ns/name PORT=n" >&2; exit 2; }
	@ns=$${SERVICE%%/*}; name=$${SERVICE#*/}; \
	ip=$$($(KUBECTL) -n $$ns get svc $$name -o jsonpath='{.spec.clusterIP}') || exit 1; \
	$(KUBECTL) -n $$ns get svc $$name -o jsonpath='{.spec.ports[*].port}' | tr ' ' '\n' | grep -qx "$(PORT)" \
	  || { echo "service $(SERVICE) has no port $(PORT)" >&2; exit 1; }; \
	echo "$$ip:$(PORT)"

install:
	@$(KUBECTL) apply --server-side --force-conflicts -f manifests/crds/
	@if [ -d manifests/rbac ]; then $(KUBECTL) apply --server-side --force-conflicts -f manifests/rbac/; fi

run: build
	@node dist/src/main.js

test: deps build controlplane
	@bash hack/test.sh

demo: cluster
	@bash hack/demo.sh

bench: cluster
	@bash hack/bench.sh
