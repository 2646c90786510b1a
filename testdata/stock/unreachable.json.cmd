env ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ansible-playbook -i testdata/inventory/unreachable.ini testdata/playbooks/unreachable.yml
