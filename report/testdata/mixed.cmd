cd /work/main/report && ansible-playbook -i testdata/inventory.ini testdata/mixed.yml
