# ansible-tap event callback.
#
# Written to a private directory by ansible-tap, which puts that directory
# first on the callback plugin path. It is a notification callback that
# Ansible loads without being enabled: the stdout callback the user
# configured keeps printing, and this one writes one JSON object a line to
# the file descriptor named by ANSIBLE_TAP_EVENTS_FD. The schema is a
# superset of the ansible.posix.jsonl callback: _event, _timestamp, play,
# task, hosts, stats, custom_stats and global_custom_stats keep their
# meaning; the fields it adds are listed in the project README.
#
# It runs on every ansible-core from 2.14 on, reads results and never
# changes them, never raises into Ansible, and never loses an event: a hook
# that fails still emits its event, with what it could not describe.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: ansible_tap
    type: notification
    short_description: JSON-lines events for ansible-tap
    description:
      - Writes one JSON object per callback event to the file descriptor named by ANSIBLE_TAP_EVENTS_FD.
'''

import copy
import datetime
import json
import os
import sys
import threading
import traceback

try:
    from collections.abc import Mapping, Set
except ImportError:  # pragma: no cover
    from collections import Mapping, Set

from ansible import constants as C
from ansible import context
from ansible.module_utils.common.text.converters import to_text
from ansible.playbook.block import Block
from ansible.playbook.handler import Handler
from ansible.plugins.callback import CallbackBase
import ansible.utils.color as ansible_color

try:
    from ansible.release import __version__ as ANSIBLE_VERSION
except ImportError:  # pragma: no cover
    ANSIBLE_VERSION = ''

SCHEMA = 1

EVENTS_FD_ENV = 'ANSIBLE_TAP_EVENTS_FD'
RESTORE_ENV = 'ANSIBLE_TAP_RESTORE_ENV'

_UTC = datetime.timezone.utc


def _fqcn_names(*names):
    out = set()
    for n in names:
        out.update((n, 'ansible.builtin.' + n, 'ansible.legacy.' + n))
    return frozenset(out)


_META = _fqcn_names('meta')
_DYNAMIC_INCLUDES = _fqcn_names('include', 'include_tasks', 'include_role')


def _now():
    return datetime.datetime.now(_UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _public(result):
    """The result without Ansible's internal bookkeeping keys (a new dict)."""
    return dict((k, v) for k, v in result.items() if not to_text(k).startswith('_ansible_'))


def _json_default(o):
    """Encodes what the json module cannot: Ansible's containers, dates, bytes, vaulted values."""
    ciphertext = getattr(o, '_ciphertext', None)
    if ciphertext is not None or 'vault' in type(o).__name__.lower() or 'encrypted' in type(o).__name__.lower():
        # Never the plaintext: str() of a vaulted value decrypts it.
        return {'__ansible_vault': to_text(ciphertext) if ciphertext is not None else ''}
    if isinstance(o, Mapping):
        return dict(o)
    if isinstance(o, (Set, frozenset)):
        return list(o)
    if isinstance(o, (datetime.date, datetime.datetime, datetime.time)):
        return o.isoformat()
    if isinstance(o, bytes):
        return to_text(o, errors='surrogate_or_replace')
    return to_text(o)


def _encode(payload):
    return json.dumps(payload, default=_json_default, separators=(',', ':'))


def _restore_environment():
    """Gives tasks the user's environment: ansible-tap's settings were for
    ansible-playbook alone, and Ansible has read them by now."""
    saved = os.environ.pop(RESTORE_ENV, None)
    os.environ.pop(EVENTS_FD_ENV, None)
    if not saved:
        return
    try:
        for name, value in json.loads(saved).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    except (ValueError, TypeError, AttributeError):
        pass


class _QuietDisplay:
    """Stands in for Ansible's Display while CallbackBase initialises, so
    that loading this plugin adds no line to Ansible's -vvvv output."""
    verbosity = 0

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _public_names(result):
    """Whether the running ansible-core gives a TaskResult's task, host and
    result public names (2.19 and later)."""
    return isinstance(getattr(type(result), 'task', None), property)


def _task_of(result):
    return result.task if _public_names(result) else result._task


def _host_of(result):
    return result.host if _public_names(result) else result._host


def _result_of(result):
    return result.result if _public_names(result) else result._result


def _parts(result):
    """The task, host and result dict of a TaskResult, by their public names
    where the running ansible-core has them."""
    return _task_of(result), _host_of(result), _result_of(result)


def _attempt(get):
    """get(), or None when it raises."""
    try:
        return get()
    except Exception:  # pylint: disable=broad-except
        return None


def _hook(name):
    """Wraps a hook so that it never raises into Ansible and never loses
    its event: a failure to describe the event still emits the event with
    its identity, plus a diagnostic record."""
    def wrap(describe):
        def hook(self, *args, **kwargs):
            try:
                payload = describe(self, *args, **kwargs)
            except Exception as e:  # pylint: disable=broad-except
                payload = self._identity(args)
                payload['tap_error'] = '%s: %s' % (type(e).__name__, to_text(e))
                self._diagnostic(name, e)
            if payload is not None:
                self._emit(name, payload)
        hook.__name__ = name
        hook.__doc__ = describe.__doc__
        return hook
    return wrap


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'ansible_tap'
    # Loaded from the plugin path without being named in callbacks_enabled:
    # ansible-tap puts it there for one run only.
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(_QuietDisplay())
        if display is not None:
            self._display = display
        else:
            from ansible.utils.display import Display
            self._display = Display()
        self._lock = threading.Lock()
        self._fd = None
        fd = os.environ.get(EVENTS_FD_ENV)
        if fd:
            try:
                self._fd = int(fd)
                # Modules and commands run by tasks must not hold the pipe open.
                os.set_inheritable(self._fd, False)
            except (ValueError, OSError):
                self._fd = None
        self._broken = self._fd is None
        _restore_environment()

    # -- output -------------------------------------------------------------

    def _emit(self, name, payload):
        """Writes one record whole: one encoding, one lock, one write loop."""
        if self._broken:
            return
        payload['_event'] = name
        payload['_timestamp'] = _now()
        payload['_tap'] = SCHEMA
        try:
            line = _encode(payload)
        except Exception as e:  # pylint: disable=broad-except
            try:
                line = _encode(self._unencodable(payload, e))
            except Exception:  # pylint: disable=broad-except
                line = _encode({'_event': name, '_timestamp': payload['_timestamp'], '_tap': SCHEMA,
                                'encode_error': 'the record could not be encoded'})
        data = (line + '\n').encode('utf-8', 'surrogateescape')
        with self._lock:
            try:
                while data:
                    n = os.write(self._fd, data)
                    data = data[n:]
            except OSError:
                # ansible-tap has gone away; Ansible itself must carry on.
                self._broken = True

    @staticmethod
    def _unencodable(payload, error):
        """What is left of a record whose result could not be encoded: its
        identity and the status flags of its result, and why."""
        keep = {'encode_error': '%s: %s' % (type(error).__name__, to_text(error))}
        for k, v in payload.items():
            if k == 'hosts':
                continue
            try:
                _encode(v)
                keep[k] = v
            except Exception:  # pylint: disable=broad-except
                keep[k] = _attempt(lambda: to_text(v)) or '(cannot be encoded)'
        hosts = payload.get('hosts')
        if isinstance(hosts, dict):
            keep['hosts'] = {}
            for host, res in hosts.items():
                flags = {}
                if isinstance(res, Mapping):
                    for k in ('changed', 'failed', 'skipped', 'unreachable', 'rc', 'attempts', 'retries'):
                        if isinstance(res.get(k), (bool, int)):
                            flags[k] = res[k]
                    msg = _attempt(lambda: to_text(res['msg'])) if 'msg' in res else None
                    if msg is not None:
                        flags['msg'] = msg
                keep['hosts'][to_text(host)] = flags
        return keep

    def _diagnostic(self, hook, error):
        self._emit('ansible_tap_diagnostic', {
            'hook': hook,
            'error': '%s: %s' % (type(error).__name__, to_text(error)),
            'where': to_text(''.join(traceback.format_tb(sys.exc_info()[2], limit=-3))),
        })

    @staticmethod
    def _identity(args):
        """What can be said of a hook's arguments when describing them
        failed: the task and host, field by field."""
        out = {}
        for a in args:
            task = host = None
            if hasattr(a, 'is_failed'):  # a TaskResult
                task, host = _attempt(lambda: _task_of(a)), _attempt(lambda: _host_of(a))
            elif hasattr(a, 'action'):
                task = a
            elif hasattr(a, 'get_vars') and hasattr(a, 'get_name'):
                host = a
            if task is not None:
                fields = {
                    'name': _attempt(task.get_name),
                    'id': _attempt(lambda: to_text(task._uuid)),
                    'path': _attempt(lambda: to_text(task.get_path())),
                    'action': _attempt(lambda: to_text(task.action)),
                    'handler': isinstance(task, Handler),
                }
                out['task'] = dict((k, v) for k, v in fields.items() if v is not None)
            if host is not None:
                name = _attempt(host.get_name)
                if name is not None:
                    out['host'] = name
        return out

    # -- descriptions of Ansible objects ------------------------------------

    @staticmethod
    def _play(play):
        hosts = play.hosts if isinstance(play.hosts, list) else [play.hosts]
        return {
            'name': play.get_name(),
            'id': to_text(play._uuid),
            'path': to_text(play.get_path()),
            'hosts': [to_text(h) for h in hosts],
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
        """Whether a failure of task is caught by the rescue section of an
        enclosing block: the task lies in that block's block section. The
        tasks of import_tasks and import_role are listed there as the blocks
        of the imported file, whose parent is the import task, so every node
        on the way up counts as a member."""
        path = set()
        node, parent = task, getattr(task, '_parent', None)
        while parent is not None:
            path.add(getattr(node, '_uuid', None))
            if isinstance(parent, Block) and parent.rescue:
                if any(getattr(t, '_uuid', None) in path for t in parent.block):
                    return True
            node, parent = parent, getattr(parent, '_parent', None)
        return False

    def _delegation(self, result, host):
        """The delegate of a result and the address Ansible resolved it to,
        as the running Ansible labels it: "web2 -> web1(127.0.0.1)" gives
        web1 and 127.0.0.1; nothing when the result is not delegated."""
        label = to_text(self.host_label(result))
        prefix = host.get_name() + ' -> '
        if not label.startswith(prefix):
            return {}
        delegate = label[len(prefix):]
        out = {'delegated_to': delegate}
        if delegate.endswith(')') and '(' in delegate:
            name, address = delegate[:-1].split('(', 1)
            out = {'delegated_to': name, 'delegated_host': address}
        return out

    def _result_event(self, result, extra=None, with_result=True):
        task, host, raw = _parts(result)
        payload = {
            'task': self._task(task, isinstance(task, Handler)),
            'host': host.get_name(),
        }
        if with_result:
            payload['hosts'] = {host.get_name(): _public(raw)}
        if raw.get('_ansible_no_log') or (isinstance(task.no_log, bool) and task.no_log):
            payload['no_log'] = True
        try:
            payload.update(self._delegation(result, host))
        except Exception:  # pylint: disable=broad-except
            pass
        if task.action in _META:
            payload['meta'] = True
        if task.action in _DYNAMIC_INCLUDES:
            payload['include'] = True
        if task.loop or task.loop_with:
            payload['loop'] = True
        if extra:
            payload.update(extra)
        return payload

    def _disposition(self, task, ignore_errors):
        """ignore_errors, and whether a rescue section will catch the failure."""
        extra = {'ignore_errors': bool(ignore_errors)}
        if not ignore_errors and self._rescued(task):
            extra['rescued'] = True
        return extra

    # -- playbook -----------------------------------------------------------

    @_hook('v2_playbook_on_start')
    def v2_playbook_on_start(self, playbook):
        args = context.CLIARGS
        return {'playbook': {
            'path': to_text(os.path.abspath(playbook._file_name)),
            'check': bool(args.get('check', False)),
            'diff': bool(args.get('diff', False)),
            'verbosity': int(args.get('verbosity', 0) or 0),
            'ansible_version': ANSIBLE_VERSION,
            'stdout_callback': to_text(C.DEFAULT_STDOUT_CALLBACK),
        }}

    @_hook('v2_playbook_on_play_start')
    def v2_playbook_on_play_start(self, play):
        return {'play': self._play(play)}

    @_hook('v2_playbook_on_task_start')
    def v2_playbook_on_task_start(self, task, is_conditional):
        return {'task': self._task(task)}

    @_hook('v2_playbook_on_handler_task_start')
    def v2_playbook_on_handler_task_start(self, task):
        return {'task': self._task(task, True)}

    @_hook('v2_playbook_on_cleanup_task_start')
    def v2_playbook_on_cleanup_task_start(self, task):
        return {'task': self._task(task)}

    @_hook('v2_playbook_on_no_hosts_matched')
    def v2_playbook_on_no_hosts_matched(self):
        return {}

    @_hook('v2_playbook_on_no_hosts_remaining')
    def v2_playbook_on_no_hosts_remaining(self):
        return {}

    @_hook('v2_playbook_on_notify')
    def v2_playbook_on_notify(self, handler, host):
        return {
            'handler': {'name': handler.get_name(), 'id': to_text(handler._uuid)},
            'host': host.get_name() if hasattr(host, 'get_name') else to_text(host),
        }

    @_hook('v2_playbook_on_include')
    def v2_playbook_on_include(self, included_file):
        return {
            'included_file': {
                'path': to_text(included_file._filename),
                'hosts': [h.get_name() for h in included_file._hosts],
            },
            'task': self._task(included_file._task, isinstance(included_file._task, Handler)),
        }

    @_hook('v2_playbook_on_stats')
    def v2_playbook_on_stats(self, stats):
        summary = dict((h, stats.summarize(h)) for h in sorted(stats.processed.keys()))
        custom = {}
        for k, v in (stats.custom or {}).items():
            custom[k.get_name() if hasattr(k, 'get_name') else to_text(k)] = v
        global_custom = custom.pop('_run', {})
        return {
            'stats': summary,
            'custom_stats': custom,
            'global_custom_stats': global_custom,
        }

    # -- runner -------------------------------------------------------------

    @_hook('v2_runner_on_start')
    def v2_runner_on_start(self, host, task):
        return {'task': self._task(task, isinstance(task, Handler)), 'host': host.get_name()}

    @_hook('v2_runner_on_ok')
    def v2_runner_on_ok(self, result):
        return self._result_event(result)

    @_hook('v2_runner_on_failed')
    def v2_runner_on_failed(self, result, ignore_errors=False):
        task = _task_of(result)
        return self._result_event(result, self._disposition(task, ignore_errors))

    @_hook('v2_runner_on_skipped')
    def v2_runner_on_skipped(self, result):
        return self._result_event(result)

    @_hook('v2_runner_on_unreachable')
    def v2_runner_on_unreachable(self, result):
        extra = {}
        if _task_of(result).ignore_unreachable:
            extra['ignore_unreachable'] = True
        return self._result_event(result, extra)

    def _item(self, result, extra=None):
        extra = dict(extra or {})
        extra['item'] = self._get_item_label(_result_of(result))
        return self._result_event(result, extra)

    @_hook('v2_runner_item_on_ok')
    def v2_runner_item_on_ok(self, result):
        return self._item(result)

    @_hook('v2_runner_item_on_failed')
    def v2_runner_item_on_failed(self, result):
        # The task's fields are the evaluated ones the worker ran with
        # (Strategy.normalize_task_result), so ignore_errors is a boolean here.
        task = _task_of(result)
        return self._item(result, self._disposition(task, task.ignore_errors))

    @_hook('v2_runner_item_on_skipped')
    def v2_runner_item_on_skipped(self, result):
        return self._item(result)

    @_hook('v2_runner_retry')
    def v2_runner_retry(self, result):
        raw = _result_of(result)
        return self._result_event(result, {
            'attempts': raw.get('attempts', 0),
            'retries': raw.get('retries', 0),
        })

    @_hook('v2_runner_on_async_poll')
    def v2_runner_on_async_poll(self, result):
        return self._result_event(result)

    @_hook('v2_runner_on_async_ok')
    def v2_runner_on_async_ok(self, result):
        return self._result_event(result)

    @_hook('v2_runner_on_async_failed')
    def v2_runner_on_async_failed(self, result):
        task = _task_of(result)
        return self._result_event(result, self._disposition(task, task.ignore_errors))

    @_hook('v2_on_file_diff')
    def v2_on_file_diff(self, result):
        """The diffs Ansible's default callback prints: those of changed
        results, and of changed loop items."""
        task, _, raw = _parts(result)
        diffs = []
        if task.loop and 'results' in raw:
            for item in raw['results'] or []:
                if isinstance(item, Mapping) and item.get('diff') and item.get('changed', False):
                    diffs.append(item['diff'])
        elif raw.get('diff') and raw.get('changed', False):
            diffs.append(raw['diff'])
        if not diffs:
            return None
        text = []
        saved = ansible_color.ANSIBLE_COLOR
        ansible_color.ANSIBLE_COLOR = False
        try:
            for d in diffs:
                # _get_diff rewrites the diff it formats: give it a copy.
                text.append(self._get_diff(copy.deepcopy(d)))
        finally:
            ansible_color.ANSIBLE_COLOR = saved
        return self._result_event(result, {'diff_text': u''.join(t for t in text if t)}, with_result=False)
