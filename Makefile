# The toolkit's everyday commands. Everything here is plain `go` underneath.
BIN := bin

.PHONY: all build test test-noasm test-noasm-numeric unit golden demo bench fuzz clean

# NUMERIC: the numeric packages (the kernels, the layers, the model and its file), whose tests
# hold the kernels' results to references. The packages above them compute through these.
NUMERIC := ./pkg/gemm ./pkg/nn/... ./pkg/acgan ./pkg/modelfile

all: build

## build: compile every tool into ./bin
build:
	go build -o $(BIN)/ ./cmd/...

## test: every test: vet, unit tests (incl. parity and fuzz seeds), golden shell tests
test: unit golden

## test-noasm: every test again on the pure-Go kernels, the code of machines without AVX2 or NEON
test-noasm:
	GOFLAGS="$$GOFLAGS -tags=noasm" $(MAKE) test

## test-noasm-numeric: on the pure-Go kernels, the numeric packages' tests and every golden test,
## which runs the tools, and so the packages above, end to end (CI's shorter test-noasm)
test-noasm-numeric:
	GOFLAGS="$$GOFLAGS -tags=noasm" go vet $(NUMERIC)
	GOFLAGS="$$GOFLAGS -tags=noasm" go test $(NUMERIC)
	GOFLAGS="$$GOFLAGS -tags=noasm" $(MAKE) golden

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
