./ansible-tap --no-color --events-file testdata/streams/limit_no_match.jsonl -i testdata/inventory/multi.ini --limit nosuchhost testdata/playbooks/handlers.yml
