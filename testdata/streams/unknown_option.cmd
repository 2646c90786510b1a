./ansible-tap --no-color --events-file testdata/streams/unknown_option.jsonl -i testdata/inventory/local.ini --no-such-option testdata/playbooks/basic.yml
