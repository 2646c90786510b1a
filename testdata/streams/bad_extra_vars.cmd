./ansible-tap --no-color --events-file testdata/streams/bad_extra_vars.jsonl -i testdata/inventory/local.ini -e [1] testdata/playbooks/basic.yml
