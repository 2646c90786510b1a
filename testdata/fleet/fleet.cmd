./ansible-tap --format=compact --no-color --events-file testdata/fleet/fleet.jsonl -i testdata/fleet/inventory.ini -f 10 testdata/fleet/fleet.yml
