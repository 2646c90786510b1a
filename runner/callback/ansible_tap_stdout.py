# ansible-tap's stdout callback for its own formats (compact, table, jsonl).
#
# ansible-tap renders the run itself from the events of its notification
# callback (ansible_tap.py), so this stdout callback prints nothing. What
# Ansible prints through its Display (warnings, errors, prompts) is not a
# callback's and still reaches the user.

DOCUMENTATION = '''
    name: ansible_tap_stdout
    type: stdout
    short_description: prints nothing, for ansible-tap's own renderers
    description:
      - A stdout callback that prints nothing; ansible-tap renders the run from the ansible_tap callback's events.
'''

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'ansible_tap_stdout'
