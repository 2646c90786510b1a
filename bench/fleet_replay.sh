#!/bin/sh
# fleet_replay.sh: ansible-tap's replay time and peak RSS on a fleet's run of
# a million events (built from testdata/fleet/fleet.jsonl, repeated as new
# tasks), per output format and with every output at once, beside the time
# of `jq -c .` over the same file.
# Goals: peak RSS <= 64 MiB (table aside); replay --format=jsonl in at most
# a quarter of jq's time.
#   sh bench/fleet_replay.sh                  # 1,000,000 events
#   sh bench/fleet_replay.sh -events 100000
set -eu
cd "$(dirname "$0")/.."
go build -o ./ansible-tap .
go run ./bench/fleetreplay -binary ./ansible-tap "$@"
