./ansible-tap --no-color --events-file testdata/streams/set_stats.jsonl -i testdata/inventory/multi.ini testdata/playbooks/set_stats.yml
