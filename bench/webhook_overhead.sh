#!/bin/sh
# webhook_overhead.sh: the wall-time ratio of a run with --webhook (all
# events, to a local endpoint that answers after 200 ms) to the same run
# without notifiers, over alternating runs. Goal: ratio <= 1.05 with every
# event delivered. Arguments go to bench/webhookoverhead (-runs, -delay, ...).
set -eu
cd "$(dirname "$0")/.."
go build -o ./ansible-tap .
go run ./bench/webhookoverhead -binary ./ansible-tap "$@"
