./ansible-tap --no-color --events-file testdata/streams/unreachable.jsonl -i testdata/inventory/unreachable.ini testdata/playbooks/unreachable.yml
