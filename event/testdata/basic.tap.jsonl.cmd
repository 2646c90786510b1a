# Run from runner/testdata, where its playbook and inventory are; the recording is kept here: ansible-tap's own callback, events on stdout (ANSIBLE_TAP_EVENTS_FD unset).
ANSIBLE_CALLBACK_PLUGINS=../callback ANSIBLE_STDOUT_CALLBACK=ansible_tap ansible-playbook -i inventory.ini basic.yml > ../../event/testdata/basic.tap.jsonl
