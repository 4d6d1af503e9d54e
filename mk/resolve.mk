# resolve: its benchmark (bench/resolve.sh) and its evaluation set.
bench: bench-resolve
bench-resolve: all
	B=$(B) sh bench/resolve.sh
resolve-eval: all
	PATH=$(CURDIR)/$(B)/bin:$$PATH sh tests/eval/run.sh
.PHONY: bench-resolve resolve-eval
