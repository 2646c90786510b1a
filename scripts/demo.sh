#!/usr/bin/env bash
# Sets up the machine, builds ansible-tap and runs the demo playbook through it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
scripts/setup.sh
go build -o ansible-tap .
./ansible-tap testdata/demo/site.yml -i testdata/demo/hosts.ini "$@"
