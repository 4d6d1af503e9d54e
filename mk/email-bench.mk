# normalize-email: its benchmark (bench/normalize-email.sh).
bench: bench-email
bench-email: all
	B=$(B) sh bench/normalize-email.sh
.PHONY: bench-email
