./ansible-tap --no-color --events-file testdata/streams/includes.jsonl -i testdata/inventory/multi.ini testdata/playbooks/includes.yml
