./ansible-tap --no-color --events-file testdata/streams/meta.jsonl -i testdata/inventory/local.ini testdata/playbooks/meta.yml
