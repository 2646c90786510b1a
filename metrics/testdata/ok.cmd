cd metrics && go test -run TestPromGolden -update
# runs: ansible-playbook -i testdata/inventory.yml testdata/ok.yml (with ansible-tap's callback), testdata/ made relative
