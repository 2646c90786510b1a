./ansible-tap --no-color --events-file testdata/streams/diff.jsonl -i testdata/inventory/local.ini --diff testdata/playbooks/diff.yml
