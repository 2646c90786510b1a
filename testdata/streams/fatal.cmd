./ansible-tap --no-color --events-file testdata/streams/fatal.jsonl -i testdata/inventory/local.ini testdata/playbooks/fatal.yml
