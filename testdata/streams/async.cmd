./ansible-tap --no-color --events-file testdata/streams/async.jsonl -i testdata/inventory/local.ini testdata/playbooks/async.yml
