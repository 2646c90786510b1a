#!/bin/sh
# Records the event streams that the tests use as golden inputs.
#
#   testdata/streams/NAME.jsonl  ansible-tap --events-file, for every run of testdata/matrix.txt
#   testdata/stock/NAME.jsonl    stdout of the stock ansible.posix.jsonl callback
#   testdata/stock/NAME.json     stdout of the stock ansible.posix.json callback
#
# Each recording has its exact command beside it in NAME.cmd. Run it from
# anywhere; it works from the repository root with relative paths so that
# the streams are reproducible. Usage: testdata/record.sh [NAME...]
set -eu
cd "$(dirname "$0")/.."

go build -o ./ansible-tap .

# The stock callbacks are recorded for these runs only.
STOCK="basic rescue loop unreachable handlers serial set_stats check_diff"

# record CMDFILE OUT CMD... runs CMD with its stdout to OUT and writes CMD
# to CMDFILE. The exit code is part of the matrix, not an error.
record() {
	cmdfile=$1 out=$2
	shift 2
	echo "$*" >"$cmdfile"
	rc=0
	"$@" >"$out" 2>/dev/null </dev/null || rc=$?
	echo "$cmdfile: exit $rc"
}

grep -v -e '^#' -e '^[[:space:]]*$' testdata/matrix.txt | while read -r name args; do
	if [ $# -gt 0 ] && ! echo " $* " | grep -q " $name "; then
		continue
	fi
	# shellcheck disable=SC2086 # the arguments are split on purpose
	record "testdata/streams/$name.cmd" /dev/null \
		./ansible-tap --no-color --events-file "testdata/streams/$name.jsonl" $args
	case " $STOCK " in *" $name "*) ;; *) continue ;; esac
	for cb in jsonl json; do
		# shellcheck disable=SC2086
		record "testdata/stock/$name.$cb.cmd" "testdata/stock/$name.$cb" \
			env ANSIBLE_STDOUT_CALLBACK=ansible.posix.$cb ansible-playbook $args
	done
done
