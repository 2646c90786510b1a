# Checks the accessor layer of ansible-tap's callback against the real
# objects that the running ansible-core hands to callbacks, for
# TestCallbackAccessors (runner/callback_test.go), which runs ../accessors.yml
# with this directory on the callback plugin path.
#
# It loads the plugin named by TAP_CHECK_PLUGIN and writes one JSON object a
# line to the file named by TAP_CHECK_OUT: what each accessor returned, and
# beside it what Ansible itself gives by another route where there is one
# (CallbackBase._get_item_label, CallbackBase._get_diff, a decryption). An
# accessor that raises gives a line with its traceback in "error".

DOCUMENTATION = '''
    name: tap_accessor_check
    type: notification
    short_description: checks ansible-tap's accessor layer
    description:
      - Writes what ansible-tap's accessors return for a run's objects to the file named by TAP_CHECK_OUT.
'''

import copy
import importlib.util
import json
import os
import traceback
from collections.abc import Mapping

from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.callback import CallbackBase


def _load(path):
    spec = importlib.util.spec_from_file_location('ansible_tap_under_check', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tap = _load(os.environ['TAP_CHECK_PLUGIN'])


class PublicOnly:
    """A TaskResult seen through its public names alone (2.19 and later)."""

    def __init__(self, result):
        self.__result = result

    task = property(lambda self: self.__result.task)
    host = property(lambda self: self.__result.host)
    result = property(lambda self: self.__result.result)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'tap_accessor_check'
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._out = open(os.environ['TAP_CHECK_OUT'], 'a')
        # Without ANSIBLE_TAP_EVENTS_FD it sends nothing: it lends its methods.
        self._tap = tap.CallbackModule()

    def _record(self, hook, accessor, observe):
        try:
            seen = observe()
        except Exception:  # pylint: disable=broad-except
            seen = {'error': traceback.format_exc()}
        seen.update(hook=hook, accessor=accessor)
        self._out.write(json.dumps(seen, default=repr, sort_keys=True) + '\n')
        self._out.flush()

    # -- what each accessor is checked on ------------------------------------

    def _started(self, hook, task, of):
        self._record(hook, '_uuid_of', lambda: {'of': of, 'name': task.get_name(), 'got': tap._uuid_of(task)})

    def _parents(self, hook, task):
        def observe():
            chain, node = [], tap._parent_of(task)
            while node is not None and len(chain) < 50:
                chain.append(type(node).__name__)
                node = tap._parent_of(node)
            return {'name': task.get_name(), 'chain': chain, 'rescued': tap.CallbackModule._rescued(task)}
        self._record(hook, '_parent_of', observe)

    def _vaulted(self, hook, task):
        value = (task.vars or {}).get('secret')
        if value is None:
            return

        def observe():
            got = tap._vault_ciphertext(value)
            secret = VaultSecret(os.environ['TAP_CHECK_VAULT_PASSWORD'].encode())
            plain = VaultLib([('default', secret)]).decrypt(got)
            return {'type': type(value).__name__, 'got': got, 'plaintext': plain.decode(),
                    'encoded': tap._encode({'secret': value})}
        self._record(hook, '_vault_ciphertext', observe)

    def _result(self, hook, result):
        public = hasattr(type(result), 'task')

        def parts(accessor, describe):
            def observe():
                seen = {'public_names': public, 'got': describe(getattr(tap, accessor)(result))}
                if public:
                    seen['public_only'] = describe(getattr(tap, accessor)(PublicOnly(result)))
                return seen
            self._record(hook, accessor, observe)

        parts('_task_of', lambda task: {'name': task.get_name(), 'id': tap._uuid_of(task)})
        parts('_host_of', lambda host: host.get_name())
        parts('_result_of', lambda raw: {'mapping': isinstance(raw, Mapping), 'msg': raw.get('msg')})
        self._record(hook, 'delegation', lambda: {
            'name': tap._task_of(result).get_name(),
            'got': self._tap._delegation(result, tap._host_of(result)),
        })

    def _item(self, hook, result):
        self._result(hook, result)
        raw = tap._result_of(result)
        self._record(hook, '_item_label', lambda: {
            'name': tap._task_of(result).get_name(),
            'got': tap._item_label(raw),
            'ansible': self._get_item_label(raw),
        })

    # -- hooks ---------------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        self._record('v2_playbook_on_start', '_playbook_file', lambda: {'got': tap._playbook_file(playbook)})

    def v2_playbook_on_play_start(self, play):
        self._started('v2_playbook_on_play_start', play, 'play')

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started('v2_playbook_on_task_start', task, 'task')
        self._parents('v2_playbook_on_task_start', task)
        self._vaulted('v2_playbook_on_task_start', task)

    def v2_playbook_on_handler_task_start(self, task):
        self._started('v2_playbook_on_handler_task_start', task, 'handler')

    def v2_playbook_on_notify(self, handler, host):
        self._started('v2_playbook_on_notify', handler, 'notified handler')

    def v2_playbook_on_include(self, included_file):
        def observe():
            path, hosts, task = tap._included_file_parts(included_file)
            return {'path': path, 'hosts': [h.get_name() for h in hosts], 'name': task.get_name()}
        self._record('v2_playbook_on_include', '_included_file_parts', observe)

    def v2_runner_on_ok(self, result):
        self._result('v2_runner_on_ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result('v2_runner_on_failed', result)

    def v2_runner_on_skipped(self, result):
        self._result('v2_runner_on_skipped', result)

    def v2_runner_item_on_ok(self, result):
        self._item('v2_runner_item_on_ok', result)

    def v2_runner_item_on_failed(self, result):
        self._item('v2_runner_item_on_failed', result)

    def v2_on_file_diff(self, result):
        raw = tap._result_of(result)
        diffs = [r['diff'] for r in raw.get('results', []) if r.get('diff') and r.get('changed')]
        if raw.get('diff') and raw.get('changed'):
            diffs.append(raw['diff'])
        for d in diffs:
            def observe(d=d):
                before = copy.deepcopy(d)
                got = tap._format_diff(d)
                # Colour is off: ANSIBLE_NOCOLOR, and stdout is no terminal.
                return {'name': tap._task_of(result).get_name(), 'got': got,
                        'ansible': self._get_diff(copy.deepcopy(d)), 'unchanged': d == before}
            self._record('v2_on_file_diff', '_format_diff', observe)
