./ansible-tap --no-color --events-file testdata/streams/no_hosts.jsonl -i testdata/inventory/local.ini testdata/playbooks/no_hosts.yml
