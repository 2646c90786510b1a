./ansible-tap --no-color --events-file testdata/streams/loop.jsonl -i testdata/inventory/local.ini testdata/playbooks/loop.yml
