./ansible-tap --no-color --events-file testdata/streams/check_diff.jsonl -i testdata/inventory/local.ini --check --diff testdata/playbooks/diff.yml
