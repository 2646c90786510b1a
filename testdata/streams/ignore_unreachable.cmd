./ansible-tap --no-color --events-file testdata/streams/ignore_unreachable.jsonl -i testdata/inventory/unreachable.ini testdata/playbooks/ignore_unreachable.yml
