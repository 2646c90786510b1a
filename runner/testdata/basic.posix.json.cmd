# Run from runner/testdata: the stock ansible.posix.json callback (one indented document).
ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ansible-playbook -i inventory.ini basic.yml > basic.posix.json
