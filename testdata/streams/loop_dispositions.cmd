./ansible-tap --no-color --events-file testdata/streams/loop_dispositions.jsonl -i testdata/inventory/local.ini testdata/playbooks/loop_dispositions.yml
