# Run from runner/testdata, where its playbook and inventory are; the recording is kept here: the stock ansible.posix.jsonl callback.
ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl ansible-playbook -i inventory.ini basic.yml > ../../event/testdata/basic.posix.jsonl
