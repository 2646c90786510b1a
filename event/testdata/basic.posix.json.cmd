# Run from runner/testdata, where its playbook and inventory are; the recording is kept here: the stock ansible.posix.json callback (one indented document).
ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ansible-playbook -i inventory.ini basic.yml > ../../event/testdata/basic.posix.json
