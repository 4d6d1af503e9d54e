# The built-in free-mail domain list (schema/freemail-domains.txt),
# compiled into lib/freemail.c as a C array so no tool depends on an
# installed data file.
FREEMAIL_TXT := schema/freemail-domains.txt
FREEMAIL_H := $(B)/gen/freemail-data.h
GEN_HDR += $(FREEMAIL_H)

$(FREEMAIL_H): $(FREEMAIL_TXT) mk/email.mk
	@mkdir -p $(@D)
	sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$$/d' -e 's/.*/"&",/' \
		$(FREEMAIL_TXT) >$@.tmp && mv $@.tmp $@

generated: $(FREEMAIL_H)
