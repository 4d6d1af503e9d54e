# The schema files derived from lib/schema.c (committed; see
# tests/integration/schema-stale.sh).  `make` rewrites them whenever the
# generator was rebuilt; unchanged files keep their time stamps.
SCHEMA_GEN := $(B)/build-aux/schema-gen

$(SCHEMA_GEN): $(B)/build-aux/schema-gen.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LIBS)

$(B)/schema.stamp: $(SCHEMA_GEN)
	$(SCHEMA_GEN) schema
	@touch $@

generated: $(B)/schema.stamp
