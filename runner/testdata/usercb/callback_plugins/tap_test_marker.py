# A user's notification callback: at the end of the run it writes the hosts
# of the recap to the file named by TAP_TEST_MARKER.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: tap_test_marker
    type: notification
    short_description: writes a marker file at the end of a run
    description:
      - Writes the recap's hosts to the file named by TAP_TEST_MARKER.
'''

import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'tap_test_marker'
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('TAP_TEST_MARKER')
        if path:
            with open(path, 'w') as f:
                f.write('stats %s\n' % ' '.join(sorted(stats.processed.keys())))
