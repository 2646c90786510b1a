env ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ansible-playbook -i testdata/inventory/local.ini --check --diff testdata/playbooks/diff.yml
