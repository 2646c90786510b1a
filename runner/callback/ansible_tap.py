# ansible-tap event callback.
#
# Written to a private directory by ansible-tap and selected as the stdout
# callback. It writes one JSON object a line to the file descriptor named by
# ANSIBLE_TAP_EVENTS_FD (standard output when that is unset). The schema is a
# superset of the ansible.posix.jsonl callback: _event, _timestamp, play, task,
# hosts, stats, custom_stats and global_custom_stats keep their meaning; the
# fields it adds are listed in the project README.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: ansible_tap
    type: stdout
    short_description: JSON-lines events for ansible-tap
    description:
      - Writes one JSON object per callback event to the file descriptor named by ANSIBLE_TAP_EVENTS_FD.
'''

import datetime
import json
import os
import sys

from ansible import constants as C
from ansible import context
from ansible.inventory.host import Host
from ansible.module_utils._text import to_text
from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.playbook.block import Block
from ansible.playbook.handler import Handler
from ansible.plugins.callback import CallbackBase
import ansible.utils.color as ansible_color

try:
    from ansible.release import __version__ as ANSIBLE_VERSION
except ImportError:  # pragma: no cover
    ANSIBLE_VERSION = ''

SCHEMA = 1


def _now():
    return '%sZ' % datetime.datetime.utcnow().isoformat()


def _public(result):
    """The result without Ansible's internal bookkeeping keys."""
    return dict((k, v) for k, v in result.items() if not k.startswith('_ansible_'))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'ansible_tap'

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display)
        self._fd = None
        fd = os.environ.get('ANSIBLE_TAP_EVENTS_FD')
        if fd:
            try:
                self._fd = int(fd)
                # Worker processes and modules must not hold the pipe open.
                os.set_inheritable(self._fd, False)
            except (ValueError, OSError):
                self._fd = None
        if self._fd is None:
            self._fd = sys.stdout.fileno()
        self._broken = False

    # -- output -------------------------------------------------------------

    def _emit(self, name, payload):
        if self._broken:
            return
        payload['_event'] = name
        payload['_timestamp'] = _now()
        payload['_tap'] = SCHEMA
        try:
            line = json.dumps(payload, cls=AnsibleJSONEncoder, separators=(',', ':'))
        except (TypeError, ValueError) as e:
            line = json.dumps({'_event': name, '_timestamp': payload['_timestamp'], '_tap': SCHEMA,
                               'encode_error': to_text(e)})
        data = (line + '\n').encode('utf-8', 'surrogateescape')
        try:
            while data:
                n = os.write(self._fd, data)
                data = data[n:]
        except OSError:
            # ansible-tap has gone away; Ansible itself must carry on.
            self._broken = True

    # -- descriptions of Ansible objects ------------------------------------

    @staticmethod
    def _play(play):
        return {
            'name': play.get_name(),
            'id': to_text(play._uuid),
            'path': to_text(play.get_path()),
            'hosts': [to_text(h) for h in (play.hosts if isinstance(play.hosts, list) else [play.hosts])],
            'strategy': to_text(play.strategy),
            'duration': {'start': _now()},
        }

    @staticmethod
    def _task(task, handler=False):
        return {
            'name': task.get_name(),
            'id': to_text(task._uuid),
            'path': to_text(task.get_path()),
            'action': to_text(task.action),
            'handler': bool(handler),
        }

    @staticmethod
    def _rescued(task):
        """Whether a failure of task is caught by the rescue section of an enclosing block."""
        child, parent = task, getattr(task, '_parent', None)
        while parent is not None:
            if isinstance(parent, Block) and parent.rescue:
                uuid = getattr(child, '_uuid', None)
                if any(getattr(t, '_uuid', None) == uuid for t in parent.block):
                    return True
            child, parent = parent, getattr(parent, '_parent', None)
        return False

    def _result_event(self, name, result, extra=None, with_result=True):
        task = result._task
        host = result._host
        raw = result._result
        payload = {
            'task': self._task(task, isinstance(task, Handler)),
            'host': host.get_name(),
        }
        if with_result:
            payload['hosts'] = {host.get_name(): _public(raw)}
        if raw.get('_ansible_no_log') or (isinstance(task.no_log, bool) and task.no_log):
            payload['no_log'] = True
        delegated = raw.get('_ansible_delegated_vars', {}).get('ansible_host') if isinstance(
            raw.get('_ansible_delegated_vars'), dict) else None
        if delegated:
            payload['delegated_to'] = to_text(delegated)
        if task.action in C._ACTION_META:
            payload['meta'] = True
        if task.action in C._ACTION_ALL_INCLUDES:
            payload['include'] = True
        if task.loop or task.loop_with:
            payload['loop'] = True
        if extra:
            payload.update(extra)
        self._emit(name, payload)

    # -- playbook -----------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        args = context.CLIARGS
        self._emit('v2_playbook_on_start', {'playbook': {
            'path': to_text(os.path.abspath(playbook._file_name)),
            'check': bool(args.get('check', False)),
            'diff': bool(args.get('diff', False)),
            'ansible_version': ANSIBLE_VERSION,
        }})

    def v2_playbook_on_play_start(self, play):
        self._emit('v2_playbook_on_play_start', {'play': self._play(play)})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit('v2_playbook_on_task_start', {'task': self._task(task)})

    def v2_playbook_on_handler_task_start(self, task):
        self._emit('v2_playbook_on_handler_task_start', {'task': self._task(task, True)})

    def v2_playbook_on_cleanup_task_start(self, task):
        self._emit('v2_playbook_on_cleanup_task_start', {'task': self._task(task)})

    def v2_playbook_on_no_hosts_matched(self):
        self._emit('v2_playbook_on_no_hosts_matched', {})

    def v2_playbook_on_no_hosts_remaining(self):
        self._emit('v2_playbook_on_no_hosts_remaining', {})

    def v2_playbook_on_notify(self, handler, host):
        self._emit('v2_playbook_on_notify', {
            'handler': {'name': handler.get_name(), 'id': to_text(handler._uuid)},
            'host': host.get_name() if isinstance(host, Host) else to_text(host),
        })

    def v2_playbook_on_include(self, included_file):
        self._emit('v2_playbook_on_include', {
            'included_file': {
                'path': to_text(included_file._filename),
                'hosts': [h.get_name() for h in included_file._hosts],
            },
            'task': self._task(included_file._task, isinstance(included_file._task, Handler)),
        })

    def v2_playbook_on_stats(self, stats):
        summary = dict((h, stats.summarize(h)) for h in sorted(stats.processed.keys()))
        custom = {}
        for k, v in (stats.custom or {}).items():
            custom[k.get_name() if isinstance(k, Host) else to_text(k)] = v
        global_custom = custom.pop('_run', {})
        self._emit('v2_playbook_on_stats', {
            'stats': summary,
            'custom_stats': custom,
            'global_custom_stats': global_custom,
        })

    # -- runner -------------------------------------------------------------

    def v2_runner_on_start(self, host, task):
        self._emit('v2_runner_on_start', {'task': self._task(task), 'host': host.get_name()})

    def v2_runner_on_ok(self, result):
        self._result_event('v2_runner_on_ok', result)

    def _disposition(self, task, ignore_errors):
        """ignore_errors, and whether a rescue section will catch the failure."""
        extra = {'ignore_errors': bool(ignore_errors)}
        if not ignore_errors and self._rescued(task):
            extra['rescued'] = True
        return extra

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result_event('v2_runner_on_failed', result, self._disposition(result._task, ignore_errors))

    def v2_runner_on_skipped(self, result):
        self._result_event('v2_runner_on_skipped', result)

    def v2_runner_on_unreachable(self, result):
        extra = {}
        if result._task.ignore_unreachable:
            extra['ignore_unreachable'] = True
        self._result_event('v2_runner_on_unreachable', result, extra)

    def _item_event(self, name, result):
        self._result_event(name, result, {'item': self._get_item_label(result._result)})

    def v2_runner_item_on_ok(self, result):
        self._item_event('v2_runner_item_on_ok', result)

    def v2_runner_item_on_failed(self, result):
        # The task's fields are the evaluated ones the worker ran with
        # (Strategy.normalize_task_result), so ignore_errors is a boolean here.
        extra = self._disposition(result._task, result._task.ignore_errors)
        extra['item'] = self._get_item_label(result._result)
        self._result_event('v2_runner_item_on_failed', result, extra)

    def v2_runner_item_on_skipped(self, result):
        self._item_event('v2_runner_item_on_skipped', result)

    def v2_runner_retry(self, result):
        raw = result._result
        self._result_event('v2_runner_retry', result, {
            'attempts': raw.get('attempts', 0),
            'retries': raw.get('retries', 0),
        })

    def v2_runner_on_async_poll(self, result):
        self._result_event('v2_runner_on_async_poll', result)

    def v2_runner_on_async_ok(self, result):
        self._result_event('v2_runner_on_async_ok', result)

    def v2_runner_on_async_failed(self, result):
        self._result_event('v2_runner_on_async_failed', result,
                           self._disposition(result._task, result._task.ignore_errors))

    def v2_on_file_diff(self, result):
        raw = result._result
        diffs = []
        if raw.get('diff'):
            diffs.append(raw['diff'])
        for item in raw.get('results', []) or []:
            if isinstance(item, dict) and item.get('diff') and item.get('changed'):
                diffs.append(item['diff'])
        text = []
        saved = ansible_color.ANSIBLE_COLOR
        ansible_color.ANSIBLE_COLOR = False
        try:
            for d in diffs:
                text.append(self._get_diff(d))
        finally:
            ansible_color.ANSIBLE_COLOR = saved
        self._result_event('v2_on_file_diff', result, {'diff_text': u''.join(t for t in text if t)}, with_result=False)
