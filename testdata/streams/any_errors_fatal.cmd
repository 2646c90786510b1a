./ansible-tap --no-color --events-file testdata/streams/any_errors_fatal.jsonl -i testdata/inventory/multi.ini testdata/playbooks/any_errors_fatal.yml
