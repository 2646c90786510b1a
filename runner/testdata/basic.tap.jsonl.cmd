# Run from runner/testdata: ansible-tap's own callback, events on stdout (ANSIBLE_TAP_EVENTS_FD unset).
ANSIBLE_CALLBACK_PLUGINS=../callback ANSIBLE_STDOUT_CALLBACK=ansible_tap ansible-playbook -i inventory.ini basic.yml > basic.tap.jsonl
