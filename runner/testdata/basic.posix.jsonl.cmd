# Run from runner/testdata: the stock ansible.posix.jsonl callback.
ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl ansible-playbook -i inventory.ini basic.yml > basic.posix.jsonl
