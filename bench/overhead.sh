#!/usr/bin/env bash
# overhead.sh: what ansible-tap costs over plain ansible-playbook. It builds
# ./ansible-tap, writes a 4-host x 25-task localhost playbook (4 aliases of
# localhost, ansible_connection=local) into a temporary directory, then runs
# plain ansible-playbook and ansible-tap (output to /dev/null)
# alternately RUNS times each, after one warm-up run of each. Wall and CPU time (user+sys of the whole
# process tree, from /usr/bin/time: ansible-playbook reaps its workers) are
# printed per run, then the medians and the ratios ansible-tap / plain,
# both of the medians and the median of the per-pair ratios. Goal: <= 1.02.
#
# Usage: bench/overhead.sh        env: RUNS (default 8), TASKS (25), HOSTS (4),
#   FORMAT (ansible: the default drop-in output), EVENTS=1 (also --events-file,
#   which records Ansible's console output through ansible-tap),
#   HISTORY=1 (the recording's own cost: "plain" is then ansible-tap
#   --no-history). ansible-tap records every run into a history of its own
#   in the temporary directory, as it records a user's runs by default.
# Run it on a quiet machine: the ratios mean nothing under other load.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-8}
TASKS=${TASKS:-25}
HOSTS=${HOSTS:-4}
FORMAT=${FORMAT:-ansible}
EVENTS=${EVENTS:-}

if [[ ! -x /usr/bin/time ]]; then
	echo "overhead: /usr/bin/time missing: apt-get install -y time" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o ./ansible-tap .

{
	echo "[bench]"
	for ((i = 1; i <= HOSTS; i++)); do
		echo "host$i ansible_host=localhost ansible_connection=local ansible_python_interpreter=\"{{ ansible_playbook_python }}\""
	done
} >"$work/inventory.ini"
{
	echo "- name: overhead"
	echo "  hosts: bench"
	echo "  gather_facts: false"
	echo "  tasks:"
	for ((i = 1; i <= TASKS; i++)); do
		case $((i % 5)) in
		0) printf '    - name: command %d\n      command: "true"\n' "$i" ;;
		1 | 3) printf '    - name: debug %d\n      debug:\n        msg: "task %d on {{ inventory_hostname }}"\n' "$i" "$i" ;;
		2) printf '    - name: set_fact %d\n      set_fact:\n        fact_%d: "{{ inventory_hostname }}"\n' "$i" "$i" ;;
		4) printf '    - name: skipped %d\n      debug:\n        msg: never\n      when: false\n' "$i" ;;
		esac
	done
} >"$work/playbook.yml"

# measure NAME COMMAND...: runs COMMAND with its output to /dev/null and
# appends "NAME wall cpu" to the results.
measure() {
	local name=$1
	shift
	if ! /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr"; then
		echo "overhead: $name failed:" >&2
		cat "$work/stderr" >&2
		exit 1
	fi
	read -r wall user sys <"$work/time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
	printf '%-6s %2d  wall %6.2fs  cpu %6.2fs\n' "$name" "$run" "$wall" "$cpu"
	echo "$name $wall $cpu" >>"$work/results"
}

tap=$PWD/ansible-tap
export ANSIBLE_TAP_HISTORY="$work/history"
plain_cmd=(ansible-playbook)
[[ -z ${HISTORY:-} ]] || plain_cmd=("$tap" --format "$FORMAT" --no-color --no-history)
plain() { measure plain "${plain_cmd[@]}" -i "$work/inventory.ini" "$work/playbook.yml"; }
tap_args=(--format "$FORMAT" --no-color)
[[ -z $EVENTS ]] || tap_args+=(--events-file "$work/events.jsonl")
tapped() { measure tap "$tap" "${tap_args[@]}" -i "$work/inventory.ini" "$work/playbook.yml"; }
# One unmeasured run of each warms the caches; then the order alternates,
# so that neither side always runs first.
run=0
"${plain_cmd[@]}" -i "$work/inventory.ini" "$work/playbook.yml" >/dev/null 2>&1 || true
"$tap" "${tap_args[@]}" -i "$work/inventory.ini" "$work/playbook.yml" >/dev/null 2>&1 || true
for ((run = 1; run <= RUNS; run++)); do
	if ((run % 2)); then
		plain
		tapped
	else
		tapped
		plain
	fi
done

awk '
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
$1 == "plain" { pw[++np] = $2; pc[np] = $3 }
$1 == "tap"   { tw[++nt] = $2; tc[nt] = $3 }
END {
	for (i = 1; i <= nt; i++) { rw[i] = tw[i] / pw[i]; rc[i] = tc[i] / pc[i] }
	mrw = median(rw, nt); mrc = median(rc, nt)
	mpw = median(pw, np); mpc = median(pc, np); mtw = median(tw, nt); mtc = median(tc, nt)
	printf "median plain: wall %.2fs cpu %.2fs\n", mpw, mpc
	printf "median tap:   wall %.2fs cpu %.2fs\n", mtw, mtc
	printf "ratio of medians (tap/plain):       wall %.3f  cpu %.3f\n", mtw / mpw, mtc / mpc
	printf "median of pair ratios (tap/plain):  wall %.3f  cpu %.3f\n", mrw, mrc
}' "$work/results"
