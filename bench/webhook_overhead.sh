#!/bin/sh
# webhook_overhead.sh: the wall-time ratio of a run with --webhook (all
# events, to a local endpoint that answers after 200 ms) to the same run
# without notifiers, over alternating runs, with the spread of the pairs.
# Goal: ratio <= 1.10 with every event delivered once.
#   sh bench/webhook_overhead.sh                # 4 hosts x 25 command tasks
#   sh bench/webhook_overhead.sh -kind debug    # fast tasks, ~50 events/s
#   sh bench/webhook_overhead.sh -kind debug -hosts 50 -tasks 20 -forks 50 -batch   # ~500 events/s
# Arguments go to bench/webhookoverhead (-runs, -delay, -hosts, -tasks, -kind, -forks, -batch).
set -eu
cd "$(dirname "$0")/.."
go build -o ./ansible-tap .
go run ./bench/webhookoverhead -binary ./ansible-tap "$@"
