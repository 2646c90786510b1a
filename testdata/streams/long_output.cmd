./ansible-tap --no-color --events-file testdata/streams/long_output.jsonl -i testdata/inventory/local.ini testdata/playbooks/long_output.yml
