#!/usr/bin/env bash
# Sets up the machine and runs every check: gofmt, pyflakes3, go vet,
# staticcheck and the tests, then the tests that run the real ansible-playbook again on the newer
# ansible-core versions of Debian's newer suites (scripts/ansible-versions.sh
# unpacks them into a private cache; the system stays as it is).
# ANSIBLE_TAP_SUITES lists those suites (default "trixie sid"; empty: none).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
scripts/setup.sh
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on: $unformatted" >&2
	exit 1
fi
# The callback plugin and the Python test helpers: Debian's pyflakes.
pyflakes3 runner/callback/*.py $(find runner/testdata testdata -name '*.py' | sort)
go vet ./...
"$(go env GOPATH)/bin/staticcheck" ./...
go test -count=1 -timeout 45m ./... "$@"

# The tests that run ansible-playbook: the drop-in comparison with the
# fidelity matrix, prompts on a terminal, the callback's own checks.
versioned='^(TestDropIn|TestDropInSummary|TestPromptsOnATerminal|TestCallback.*|TestManyItemsAtOnce|TestEventsFileIsWhatWasDecoded)$'
read -r -a suites <<<"${ANSIBLE_TAP_SUITES-trixie sid}"
[ ${#suites[@]} -gt 0 ] || exit 0
ready=$(scripts/ansible-versions.sh "${suites[@]}")
if [ -z "$ready" ]; then
	echo "no ansible-core of ${suites[*]} could be made ready: the tests ran on one version only" >&2
	exit 1
fi
mapfile -t found <<<"$ready"
for line in "${found[@]}"; do
	read -r suite version wrapper <<<"$line"
	echo "=== ansible-core $version (Debian $suite): $wrapper"
	PATH="$(dirname "$wrapper"):$PATH" go test -count=1 -timeout 45m -run "$versioned" . ./runner "$@"
done
