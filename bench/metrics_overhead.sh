#!/bin/sh
# metrics_overhead.sh: the cost of the metrics outputs. For a 50-host x
# 20-task localhost run (every host ansible_connection=local, cheap tasks),
# it alternates runs without metrics and runs with --prom-file and
# --otlp-endpoint (a local OTLP/HTTP receiver, bench/otlpsink) and prints
# each wall time, the medians and their ratio (goal: <= 1.02), and peak
# memory from /usr/bin/time -v: the run's (the largest process of the
# tree, usually ansible-playbook's Python), and ansible-tap's own in the
# live runs (getrusage of ansible-tap's process alone, from its
# --log-level debug line).
#
# Usage: bench/metrics_overhead.sh [PAIRS]   (default 6; env HOSTS, TASKS, FORKS)
set -eu
cd "$(dirname "$0")/.."
PAIRS=${1:-6}
HOSTS=${HOSTS:-50}
TASKS=${TASKS:-20}
FORKS=${FORKS:-10}

if [ ! -x /usr/bin/time ]; then
	echo "metrics_overhead: /usr/bin/time missing: apt-get install -y time" >&2
	exit 1
fi
work=$(mktemp -d)
sink_pid=
cleanup() {
	if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

go build -o ./ansible-tap .
if ! ./ansible-tap --help | grep -q -- '--prom-file'; then
	echo "metrics_overhead: ./ansible-tap has no --prom-file: add metricsOutput() to outputs in main.go" >&2
	exit 1
fi
go build -o "$work/otlpsink" ./bench/otlpsink

# The inventory and the playbook.
{
	echo "[bench]"
	i=1
	while [ "$i" -le "$HOSTS" ]; do
		printf 'h%03d ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' "$i"
		i=$((i + 1))
	done
} >"$work/inventory.ini"
{
	echo "- hosts: bench"
	echo "  gather_facts: false"
	echo "  tasks:"
	i=1
	while [ "$i" -le "$TASKS" ]; do
		case $((i % 4)) in
		0) printf '    - name: command %d\n      command: "true"\n' "$i" ;;
		1) printf '    - name: debug %d\n      debug:\n        msg: "task %d on {{ inventory_hostname }}"\n' "$i" "$i" ;;
		2) printf '    - name: set_fact %d\n      set_fact:\n        fact_%d: "{{ inventory_hostname }}"\n' "$i" "$i" ;;
		3) printf '    - name: skipped %d\n      debug:\n        msg: never\n      when: false\n' "$i" ;;
		esac
		i=$((i + 1))
	done
} >"$work/bench.yml"

"$work/otlpsink" >"$work/sink.out" 2>"$work/sink.err" &
sink_pid=$!
n=0
while [ ! -s "$work/sink.out" ] && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
endpoint=$(head -n 1 "$work/sink.out")
[ -n "$endpoint" ] || { echo "metrics_overhead: the OTLP receiver did not start" >&2; exit 1; }
mkdir -p "$work/textfile"

export ANSIBLE_FORKS="$FORKS" ANSIBLE_HOST_KEY_CHECKING=False
# measure NAME ARGS...: one run under /usr/bin/time -v; appends "seconds kilobytes" to $work/NAME.
measure() {
	name=$1
	shift
	/usr/bin/time -v -o "$work/time.txt" ./ansible-tap --log-level debug --no-color "$@" >/dev/null 2>"$work/$name.stderr" || true
	own=$(sed -n 's/.*max_rss=\([0-9]*\).*/\1/p' "$work/$name.stderr" | tail -n 1)
	awk -F': ' -v own="${own:-0}" '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
		/Maximum resident set size/ { kb = $2 }
		END { printf "%.3f %d %d\n", s, kb, own }' "$work/time.txt" >>"$work/$name"
}
with_metrics="--prom-file $work/textfile/ansible.prom --otlp-endpoint $endpoint"

echo "metrics_overhead: $HOSTS hosts x $TASKS tasks, forks $FORKS, $PAIRS alternating pairs"
i=1
while [ "$i" -le "$PAIRS" ]; do
	if [ $((i % 2)) -eq 1 ]; then
		measure base -i "$work/inventory.ini" "$work/bench.yml"
		measure metrics $with_metrics -i "$work/inventory.ini" "$work/bench.yml"
	else
		measure metrics $with_metrics -i "$work/inventory.ini" "$work/bench.yml"
		measure base -i "$work/inventory.ini" "$work/bench.yml"
	fi
	printf '  pair %d: without %ss, with %ss\n' "$i" "$(tail -n 1 "$work/base" | cut -d' ' -f1)" "$(tail -n 1 "$work/metrics" | cut -d' ' -f1)"
	i=$((i + 1))
done

median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { cut -d' ' -f"$2" "$1" | sort -n | tail -n 1; }
base=$(median "$work/base" 1)
with=$(median "$work/metrics" 1)
grep -q '^ansible_playbook_success' "$work/textfile/ansible.prom" || { echo "metrics_overhead: no textfile written" >&2; exit 1; }
kill "$sink_pid" && wait "$sink_pid" 2>/dev/null || true
sink_pid=
echo "median wall time: without ${base}s, with ${with}s"
awk -v a="$with" -v b="$base" 'BEGIN { printf "ratio (with/without): %.4f (goal <= 1.02)\n", a / b }'
echo "max RSS of the run (largest process of the tree): without $(maxof "$work/base" 2) KiB, with $(maxof "$work/metrics" 2) KiB"
echo "max RSS of ansible-tap itself (its own process, live runs): without $(maxof "$work/base" 3) KiB, with $(maxof "$work/metrics" 3) KiB"
sed 's/^otlpsink: /OTLP receiver: /' "$work/sink.err"
