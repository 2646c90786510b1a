./ansible-tap --no-color --events-file testdata/streams/free.jsonl -i testdata/inventory/multi.ini testdata/playbooks/free.yml
