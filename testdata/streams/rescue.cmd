./ansible-tap --no-color --events-file testdata/streams/rescue.jsonl -i testdata/inventory/local.ini testdata/playbooks/rescue.yml
