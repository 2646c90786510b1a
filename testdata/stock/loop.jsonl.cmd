env ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl ansible-playbook -i testdata/inventory/local.ini testdata/playbooks/loop.yml
