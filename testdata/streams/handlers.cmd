./ansible-tap --no-color --events-file testdata/streams/handlers.jsonl -i testdata/inventory/multi.ini testdata/playbooks/handlers.yml
