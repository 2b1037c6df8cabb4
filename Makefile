# Convenience targets; the scripts are the source of truth.
TAGS := duckdb_arrow

build:
	go build -tags $(TAGS) -o bin/firebreak ./cmd/firebreak

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

.PHONY: build test demo
