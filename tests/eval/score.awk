# score.awk: compare resolve's output with truth.tsv (see gen.py).
#   awk -F'\t' -f score.awk truth.tsv resolved.jsonl
# Prints precision per rule that matched (a match is right when every id
# it gives is right), recall per class of truth (a record is found when
# all its ids are given, right), and the totals; sets exit status 1 when below -v min_precision / min_recall.

# The value of "key": in a compact JSON line: a string, or "" for null.
function getf(line, key,    i, rest, j) {
	i = index(line, "\"" key "\":")
	if (i == 0)
		return ""
	rest = substr(line, i + length(key) + 3)
	if (substr(rest, 1, 1) != "\"") {
		if (substr(rest, 1, 4) == "true")
			return "1"
		if (substr(rest, 1, 5) == "false")
			return "0"
		return ""
	}
	j = index(substr(rest, 2), "\"")
	return substr(rest, 2, j - 1)
}

function member(x, list,    n, a, k) {
	if (list == "")
		return x == ""
	n = split(list, a, "|")
	for (k = 1; k <= n; k++)
		if (a[k] == x)
			return 1
	return 0
}

function pct(a, b) {
	return b ? sprintf("%.2f%%", 100 * a / b) : "-"
}

FNR == NR {
	if (FNR > 1) {
		cls[$1] = $2; tc[$1] = $3; tl[$1] = $4; ta[$1] = $5; ti[$1] = $6
	}
	next
}

{
	id = getf($0, "participant_id")
	if (id == "")
		id = getf($0, "call_id")
	if (!(id in cls))
		next
	seen++
	c = getf($0, "sf_contact_id") getf($0, "matched_contact_id")
	l = getf($0, "sf_lead_id") getf($0, "matched_lead_id")
	a = getf($0, "sf_account_id") getf($0, "matched_account_id")
	method = getf($0, "match_method")
	rule = method
	sub(/_tie:[0-9]+$/, "", rule)
	# right: every id given is the right one, and all of them are given;
	# sound: every id given is right (a match may name the account of a
	# contact it cannot find: that is not a wrong answer)
	ok = member(c, tc[id]) && l == tl[id] && a == ta[id]
	sound = (c == "" || member(c, tc[id])) && (l == "" || l == tl[id]) &&
	    (a == "" || a == ta[id])
	k = cls[id]
	if (method != "") {
		matched++
		rm[rule]++
		if (sound) {
			rok[rule]++
			good++
		} else if (verbose)
			print "WRONG " id " " k " " method " got " c "/" l "/" a \
			    " want " tc[id] "/" tl[id] "/" ta[id] > "/dev/stderr"
	}
	if (k != "none" && k != "unreachable") {
		reach++
		cn[k]++
		if (ok && method != "") {
			cok[k]++
			found++
		} else if (verbose && method == "")
			print "MISSED " id " " k " want " tc[id] "/" tl[id] "/" \
			    ta[id] > "/dev/stderr"
	} else if (k == "none") {
		nnone++
		if (method == "")
			nonecorrect++
	}
	if (index($0, "\"is_internal\":") && getf($0, "is_internal") != ti[id])
		badinternal++
}

END {
	n = 0
	for (id in cls)
		n++
	printf "| rule | matched | correct | precision |\n"
	printf "|---|---:|---:|---:|\n"
	split("manual_email manual_phone email_contact email_lead email phone_last10 " \
	    "email_lead_converted phone_contact phone_account phone_lead " \
	    "phone_lead_converted domain", order, " ")
	for (i = 1; i in order; i++)
		if (rm[order[i]])
			printf "| %s | %d | %d | %s |\n", order[i], rm[order[i]],
			    rok[order[i]], pct(rok[order[i]], rm[order[i]])
	printf "| **all** | %d | %d | **%s** |\n\n", matched, good,
	    pct(good, matched)
	printf "| truth reachable by | records | resolved right | recall |\n"
	printf "|---|---:|---:|---:|\n"
	split("manual email_contact email_lead phone_contact phone_other " \
	    "domain", corder, " ")
	for (i = 1; i in corder; i++)
		if (cn[corder[i]])
			printf "| %s | %d | %d | %s |\n", corder[i],
			    cn[corder[i]], cok[corder[i]],
			    pct(cok[corder[i]], cn[corder[i]])
	printf "| **all** | %d | %d | **%s** |\n\n", reach, found,
	    pct(found, reach)
	printf "no right answer (free mail, internal, strangers): %d, left " \
	    "unmatched: %d (%s)\n", nnone, nonecorrect, pct(nonecorrect, nnone)
	printf "is_internal wrong: %d\n", badinternal + 0
	status = 0
	if (seen != n) {
		printf "FAIL: %d records in the truth, %d in the output\n", n,
		    seen
		status = 1
	}
	if (matched && good / matched < min_precision) {
		printf "FAIL: precision below %s\n", min_precision
		status = 1
	}
	if (reach && found / reach < min_recall) {
		printf "FAIL: recall below %s\n", min_recall
		status = 1
	}
	if (badinternal) {
		printf "FAIL: is_internal wrong\n"
		status = 1
	}
	exit status
}
