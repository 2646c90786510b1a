env ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ansible-playbook -i testdata/inventory/local.ini testdata/playbooks/rescue.yml
