./ansible-tap --no-color --events-file testdata/streams/no_log.jsonl -i testdata/inventory/local.ini testdata/playbooks/no_log.yml
