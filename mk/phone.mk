# The phone module: its differential-test driver, and (dev time only) the
# generators that need /usr/bin/python3 with python3-phonenumbers.
$(B)/tests/phone-diff: $(B)/tests/phone/phone-diff.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LIBS)

tests: $(B)/tests/phone-diff

# `make phone-meta` regenerates the committed metadata and corpus; never
# part of the build.
phone-meta:
	/usr/bin/python3 build-aux/gen-phone-meta.py > lib/phone_meta.c.tmp
	mv lib/phone_meta.c.tmp lib/phone_meta.c
	/usr/bin/python3 build-aux/gen-phone-corpus.py > tests/phone/corpus.tsv.tmp
	mv tests/phone/corpus.tsv.tmp tests/phone/corpus.tsv

.PHONY: phone-meta

# `make bench` times normalize-phone against the Python reference.
bench: bench-phone
bench-phone: all
	B=$(B) sh bench/phone.sh
.PHONY: bench-phone
