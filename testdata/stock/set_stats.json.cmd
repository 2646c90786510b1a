env ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ansible-playbook -i testdata/inventory/multi.ini testdata/playbooks/set_stats.yml
