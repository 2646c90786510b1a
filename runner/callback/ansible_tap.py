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
# changes them, never changes Ansible's global state, never raises into
# Ansible, and never loses an event: a hook that fails still emits its
# event, with what it could not describe. Whatever it leaves out is said in
# an ansible_tap_diagnostic record, which ansible-tap logs.
#
# What is not Ansible's public API, or differs between versions, is read in
# one place only: the accessor layer below.

DOCUMENTATION = '''
    name: ansible_tap
    type: notification
    short_description: JSON-lines events for ansible-tap
    description:
      - Writes one JSON object per callback event to the file descriptor named by ANSIBLE_TAP_EVENTS_FD.
'''

import datetime
import difflib
import json
import os
import threading
import traceback
from collections.abc import Mapping, Set

from ansible import constants as C
from ansible import context
from ansible.module_utils.common.text.converters import to_text
from ansible.playbook.block import Block
from ansible.playbook.handler import Handler
from ansible.plugins.callback import CallbackBase
from ansible.release import __version__ as ANSIBLE_VERSION

try:
    from ansible.parsing.vault import VaultHelper  # ansible-core 2.19 and later
except ImportError:
    VaultHelper = None

SCHEMA = 1

EVENTS_FD_ENV = 'ANSIBLE_TAP_EVENTS_FD'
RESTORE_ENV = 'ANSIBLE_TAP_RESTORE_ENV'
DIAGNOSTIC = 'ansible_tap_diagnostic'

_UTC = datetime.timezone.utc


# -- accessor layer ---------------------------------------------------------
#
# The only code that reads names outside Ansible's public API, or names that
# differ between the ansible-core versions ansible-tap supports. Each
# accessor returns what its docstring says or raises (AttributeError when a
# private name is gone); the plugin decides what an event says without it.
# TestCallbackAccessors (runner/callback_accessors_test.go) checks each
# function of this section against the real objects of the running
# ansible-core, on every supported version, so that a version which renames
# a name fails there first.

def _task_of(result):
    """The Task of a TaskResult: `task` from 2.19 on, `_task` before."""
    return result.task if hasattr(type(result), 'task') else result._task


def _host_of(result):
    """The Host of a TaskResult: `host` from 2.19 on, `_host` before."""
    return result.host if hasattr(type(result), 'host') else result._host


def _result_of(result):
    """The result dict of a TaskResult: `result` from 2.19 on (a copy made
    for callbacks, with secrets masked), `_result` before."""
    return result.result if hasattr(type(result), 'result') else result._result


def _uuid_of(obj):
    """The id Ansible gives a play, block, task or handler, as text: `_uuid`
    (every version; there is no public name)."""
    return to_text(obj._uuid)


def _parent_of(node):
    """What holds a task or block: its block, or the include or import task
    whose file it comes from; None at the top of a play. `_parent` (every
    version; there is no public name)."""
    return node._parent


def _playbook_file(playbook):
    """The file a Playbook was loaded from, as given to ansible-playbook:
    `_file_name` (every version; there is no public name)."""
    return playbook._file_name


def _included_file_parts(included):
    """What v2_playbook_on_include's IncludedFile holds: the file, the hosts
    that include it, and the include task. `_filename`, `_hosts` and `_task`
    (every version; there are no public names)."""
    return included._filename, list(included._hosts), included._task


def _item_label(result):
    """The label Ansible's callbacks print for a loop item, from the item's
    result dict: what CallbackBase._get_item_label returns (every version),
    read from the result keys Ansible sets for callbacks, _ansible_no_log and
    _ansible_item_label (loop_control.label)."""
    if result.get('_ansible_no_log', False):
        return '(censored due to no_log)'
    return result.get('_ansible_item_label', result.get('item'))


def _format_diff(diff):
    """The text CallbackBase._get_diff gives for a diff, or a list of them,
    with colour off, as a callback without a result_format option prints it
    (every version), and without changing the diff. _get_diff colours through
    the process-wide ansible.utils.color.ANSIBLE_COLOR and rewrites the diff
    it is given, so the text is made here, with difflib as Ansible makes it."""
    def lines(side):
        # A mapping as CallbackBase._serialize_diff writes it in JSON, None
        # as nothing, a missing final newline marked as diff marks it.
        if isinstance(side, Mapping):
            side = json.dumps(side, sort_keys=True, indent=4, separators=(',', ': ')) + '\n'
        elif side is None:
            side = ''
        out = side.splitlines(True)
        if out and not out[-1].endswith('\n'):
            out[-1] += '\n\\ No newline at end of file\n'
        return out

    text = []
    for d in diff if isinstance(diff, list) else [diff]:
        if 'dst_binary' in d:
            text.append('diff skipped: destination file appears to be binary\n')
        if 'src_binary' in d:
            text.append('diff skipped: source file appears to be binary\n')
        if 'dst_larger' in d:
            text.append('diff skipped: destination file size is greater than %d\n' % d['dst_larger'])
        if 'src_larger' in d:
            text.append('diff skipped: source file size is greater than %d\n' % d['src_larger'])
        if 'before' in d and 'after' in d:
            before_header = 'before: %s' % d['before_header'] if 'before_header' in d else 'before'
            after_header = 'after: %s' % d['after_header'] if 'after_header' in d else 'after'
            unified = list(difflib.unified_diff(lines(d['before']), lines(d['after']),
                                                fromfile=before_header, tofile=after_header,
                                                fromfiledate='', tofiledate='', n=C.DIFF_CONTEXT))
            text.extend(unified)
            if unified:
                text.append('\n')
        if 'prepared' in d:
            text.append(d['prepared'])
    return ''.join(text)


def _vault_ciphertext(value):
    """The ciphertext of a vaulted value, None for any other value: the
    public VaultHelper.get_ciphertext from 2.19 on; before, the
    `_ciphertext` of an AnsibleVaultEncryptedUnicode (marked __ENCRYPTED__)."""
    if VaultHelper is not None:
        return VaultHelper.get_ciphertext(value, with_tags=False)
    if getattr(type(value), '__ENCRYPTED__', False):
        return to_text(value._ciphertext)
    return None

# -- end of the accessor layer ----------------------------------------------


def _fqcn_names(*names):
    out = set()
    for n in names:
        out.update((n, 'ansible.builtin.' + n, 'ansible.legacy.' + n))
    return frozenset(out)


_META = _fqcn_names('meta')
_DYNAMIC_INCLUDES = _fqcn_names('include', 'include_tasks', 'include_role')


def _now():
    return datetime.datetime.now(_UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _error_text(error):
    return '%s: %s' % (type(error).__name__, to_text(error))


def _public(result):
    """The result without Ansible's internal bookkeeping keys (a new dict)."""
    return {k: v for k, v in result.items() if not to_text(k).startswith('_ansible_')}


def _json_default(o):
    """Encodes what the json module cannot: Ansible's containers, dates, bytes, vaulted values."""
    name = type(o).__name__.lower()
    ciphertext = _vault_ciphertext(o)
    if ciphertext is not None or 'vault' in name or 'encrypted' in name:
        # Never the plaintext: str() of a vaulted value decrypts it.
        return {'__ansible_vault': to_text(ciphertext) if ciphertext is not None else ''}
    if isinstance(o, Mapping):
        return dict(o)
    if isinstance(o, Set):
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
    ansible-playbook alone, and Ansible has read them by now. Returns what
    could not be restored, as (variable, error) pairs."""
    saved = os.environ.pop(RESTORE_ENV, None)
    os.environ.pop(EVENTS_FD_ENV, None)
    if not saved:
        return []
    try:
        values = json.loads(saved)
    except ValueError as e:
        return [(RESTORE_ENV, e)]
    if not isinstance(values, dict):
        return [(RESTORE_ENV, TypeError('a JSON %s, not an object' % type(values).__name__))]
    failed = []
    for name, value in values.items():
        try:
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        except (TypeError, ValueError) as e:  # not text, or refused by the C library
            failed.append((name, e))
    return failed


class _QuietDisplay:
    """Stands in for Ansible's Display while CallbackBase initialises, so
    that loading this plugin adds no line to Ansible's -vvvv output."""
    verbosity = 0

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _hook(name):
    """Wraps a hook so that it never raises into Ansible and never loses
    its event: a failure to describe the event still emits the event with
    its identity, plus a diagnostic record."""
    def wrap(describe):
        def hook(self, *args, **kwargs):
            self._in_hook.name = name
            try:
                payload = describe(self, *args, **kwargs)
            except Exception as e:  # pylint: disable=broad-except
                payload = self._identity(args)
                payload['tap_error'] = _error_text(e)
                self._diagnostic(name, _error_text(e), e)
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
        super().__init__(_QuietDisplay())
        if display is not None:
            self._display = display
        else:
            from ansible.utils.display import Display
            self._display = Display()
        self._lock = threading.Lock()
        self._in_hook = threading.local()
        self._reported = set()
        self._reported_lock = threading.Lock()
        self._fd = None
        fd = os.environ.get(EVENTS_FD_ENV)
        if fd:
            try:
                self._fd = int(fd)
                # Modules and commands run by tasks must not hold the pipe open.
                os.set_inheritable(self._fd, False)
            except (ValueError, OSError) as e:
                self._fd = None
                self._display.warning('ansible_tap: %s=%s is not an open file descriptor (%s); '
                                      'no events are sent' % (EVENTS_FD_ENV, fd, _error_text(e)))
        self._broken = self._fd is None
        for name, e in _restore_environment():
            self._diagnostic('__init__', "the user's environment could not be restored (%s): %s"
                             % (name, _error_text(e)), e)

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
                # ansible-tap has gone away, and with it whoever could be
                # told; Ansible itself must carry on.
                self._broken = True

    @staticmethod
    def _unencodable(payload, error):
        """What is left of a record whose result could not be encoded: its
        identity and the status flags of its result, and why."""
        keep = {'encode_error': _error_text(error)}
        for k, v in payload.items():
            if k == 'hosts':
                continue
            try:
                _encode(v)
                keep[k] = v
            except Exception:  # pylint: disable=broad-except
                keep[k] = _text_or(v, '(cannot be encoded)')
        hosts = payload.get('hosts')
        if isinstance(hosts, dict):
            keep['hosts'] = {}
            for host, res in hosts.items():
                flags = {}
                if isinstance(res, Mapping):
                    for k in ('changed', 'failed', 'skipped', 'unreachable', 'rc', 'attempts', 'retries'):
                        if isinstance(res.get(k), (bool, int)):
                            flags[k] = res[k]
                    if 'msg' in res:
                        flags['msg'] = _text_or(res['msg'], '(cannot be encoded)')
                keep['hosts'][_text_or(host, '(cannot be encoded)')] = flags
        return keep

    def _diagnostic(self, hook, error, exc):
        """A record saying what hook could not do, and where exc arose."""
        self._emit(DIAGNOSTIC, {
            'hook': hook,
            'error': error,
            'where': to_text(''.join(traceback.format_tb(exc.__traceback__, limit=-3))),
        })

    def _optional(self, what, get, *args):
        """get(*args), or None when it raises: the caller leaves the value
        out of its record, and a diagnostic says so, once a run for each
        hook, value and kind of error."""
        try:
            return get(*args)
        except Exception as e:  # pylint: disable=broad-except
            hook = getattr(self._in_hook, 'name', '')
            key = (hook, what, type(e))
            with self._reported_lock:
                first = key not in self._reported
                self._reported.add(key)
            if first:
                self._diagnostic(hook, '%s left out (said once a run): %s' % (what, _error_text(e)), e)
            return None

    def _identity(self, args):
        """What can be said of a hook's arguments when describing them
        failed: the task and host, field by field."""
        out = {}
        for a in args:
            task = host = None
            if hasattr(a, 'is_failed'):  # a TaskResult
                task, host = self._optional('task', _task_of, a), self._optional('host', _host_of, a)
            elif hasattr(a, 'action'):
                task = a
            elif hasattr(a, 'get_vars') and hasattr(a, 'get_name'):
                host = a
            if task is not None:
                fields = {
                    'name': self._optional('task name', task.get_name),
                    'id': self._optional('task id', _uuid_of, task),
                    'path': self._optional('task path', lambda: to_text(task.get_path())),
                    'action': self._optional('task action', lambda: to_text(task.action)),
                    'handler': isinstance(task, Handler),
                }
                out['task'] = _present(fields)
            if host is not None:
                name = self._optional('host name', host.get_name)
                if name is not None:
                    out['host'] = name
        return out

    # -- descriptions of Ansible objects ------------------------------------

    def _play(self, play):
        hosts = play.hosts if isinstance(play.hosts, list) else [play.hosts]
        return _present({
            'name': play.get_name(),
            'id': self._optional('play id', _uuid_of, play),
            'path': to_text(play.get_path()),
            'hosts': [to_text(h) for h in hosts],
            'strategy': to_text(play.strategy),
            'duration': {'start': _now()},
        })

    def _task(self, task, handler=False):
        return _present({
            'name': task.get_name(),
            'id': self._optional('task id', _uuid_of, task),
            'path': to_text(task.get_path()),
            'action': to_text(task.action),
            'handler': bool(handler),
        })

    @staticmethod
    def _rescued(task):
        """Whether a failure of task is caught by the rescue section of an
        enclosing block: the task lies in that block's block section. The
        tasks of import_tasks and import_role are listed there as the blocks
        of the imported file, whose parent is the import task, so every node
        on the way up counts as a member."""
        path = set()
        node, parent = task, _parent_of(task)
        while parent is not None:
            path.add(_uuid_of(node))
            if isinstance(parent, Block) and parent.rescue:
                if any(_uuid_of(t) in path for t in parent.block):
                    return True
            node, parent = parent, _parent_of(parent)
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
        task, host, raw = _task_of(result), _host_of(result), _result_of(result)
        payload = {
            'task': self._task(task, isinstance(task, Handler)),
            'host': host.get_name(),
        }
        if with_result:
            payload['hosts'] = {host.get_name(): _public(raw)}
        if raw.get('_ansible_no_log') or (isinstance(task.no_log, bool) and task.no_log):
            payload['no_log'] = True
        payload.update(self._optional('delegation', self._delegation, result, host) or {})
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
        if not ignore_errors and self._optional('rescue', self._rescued, task):
            extra['rescued'] = True
        return extra

    # -- playbook -----------------------------------------------------------

    @_hook('v2_playbook_on_start')
    def v2_playbook_on_start(self, playbook):
        args = context.CLIARGS
        return {'playbook': _present({
            'path': self._optional('playbook path', lambda: to_text(os.path.abspath(_playbook_file(playbook)))),
            'check': bool(args.get('check', False)),
            'diff': bool(args.get('diff', False)),
            'verbosity': int(args.get('verbosity', 0) or 0),
            'ansible_version': ANSIBLE_VERSION,
            'stdout_callback': to_text(C.DEFAULT_STDOUT_CALLBACK),
        })}

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
            'handler': _present({'name': handler.get_name(), 'id': self._optional('handler id', _uuid_of, handler)}),
            'host': host.get_name() if hasattr(host, 'get_name') else to_text(host),
        }

    @_hook('v2_playbook_on_include')
    def v2_playbook_on_include(self, included_file):
        path, hosts, task = _included_file_parts(included_file)
        return {
            'included_file': {
                'path': to_text(path),
                'hosts': [h.get_name() for h in hosts],
            },
            'task': self._task(task, isinstance(task, Handler)),
        }

    @_hook('v2_playbook_on_stats')
    def v2_playbook_on_stats(self, stats):
        summary = {h: stats.summarize(h) for h in sorted(stats.processed.keys())}
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
        extra['item'] = _item_label(_result_of(result))
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
        task, raw = _task_of(result), _result_of(result)
        diffs = []
        if task.loop and 'results' in raw:
            for item in raw['results'] or []:
                if isinstance(item, Mapping) and item.get('diff') and item.get('changed', False):
                    diffs.append(item['diff'])
        elif raw.get('diff') and raw.get('changed', False):
            diffs.append(raw['diff'])
        if not diffs:
            return None
        text = ''.join(_format_diff(d) for d in diffs)
        return self._result_event(result, {'diff_text': text}, with_result=False)


def _present(fields):
    """fields without those left out (None)."""
    return {k: v for k, v in fields.items() if v is not None}


def _text_or(value, placeholder):
    """value as text, or placeholder when it cannot be made text."""
    try:
        return to_text(value)
    except Exception:  # pylint: disable=broad-except
        return placeholder
