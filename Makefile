# The toolkit's everyday commands. Everything here is plain `go` underneath.
BIN := bin

.PHONY: all build test test-noasm unit golden demo bench fuzz clean

all: build

## build: compile every tool into ./bin
build:
	go build -o $(BIN)/ ./cmd/...

## test: every test: vet, unit tests (incl. parity and fuzz seeds), golden shell tests
test: unit golden

## test-noasm: every test again on the pure-Go kernels, the code arm64 and other machines run
test-noasm:
	GOFLAGS="$$GOFLAGS -tags=noasm" $(MAKE) test

unit:
	go vet ./...
	go test ./...

golden:
	bash testdata/golden.sh

## demo: the main job (see README): real MNIST in, a PNG grid out, in ./out
demo: build
	bash scripts/demo.sh

## bench: our training step next to the PyTorch replica, measured in the same run
bench:
	bash scripts/bench.sh

## fuzz: a minute of fuzzing for the stream reader
fuzz:
	go test ./pkg/tensor -run '^$$' -fuzz FuzzReader -fuzztime 60s

clean:
	rm -rf $(BIN) out
