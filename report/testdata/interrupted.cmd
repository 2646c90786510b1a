cd /work/main/report && ansible-playbook -i testdata/inventory.ini testdata/interrupted.yml  # SIGINT during the task "Long task"
