./ansible-tap --no-color --events-file testdata/streams/basic.jsonl -i testdata/inventory/local.ini testdata/playbooks/basic.yml
