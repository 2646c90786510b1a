env ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl ansible-playbook -i testdata/inventory/multi.ini testdata/playbooks/handlers.yml
