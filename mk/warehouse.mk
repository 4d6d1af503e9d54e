# load/export benchmark (bench/load.sh); `make bench` runs every bench.
bench: bench-load
bench-load: all
	B=$(B) sh bench/load.sh $(BENCH_N)
.PHONY: bench-load
