./ansible-tap --no-color --events-file testdata/streams/serial.jsonl -i testdata/inventory/multi.ini testdata/playbooks/serial.yml
