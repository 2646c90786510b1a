./ansible-tap --no-color --events-file testdata/streams/syntax_error.jsonl -i testdata/inventory/local.ini testdata/playbooks/syntax_error.yml
