# Drives ansible-tap's callback plugin under a real ansible-core with crafted
# results, and prints every record it wrote, for runner/callback_test.go.
#
#   python3 callback_check.py PLUGIN.py CASE
#
# CASE is one of:
#   unencodable  a failed result that holds a reference to itself
#   raises       a task whose path cannot be read, so describing it raises
#   concurrent   THREADS threads writing big loop-item events at once
#   diff         diffs of every shape, formatted while ANSIBLE_COLOR is on
#   restore      the user's environment saved by ansible-tap, valid or not
#   bad-fd       an events file descriptor that is not one
#   delegation   delegated results whose delegation cannot be read
#   unchanged    every result hook, on results that must stay as they are
#
# After the records comes one line of facts, what the case saw beside them:
# {"_event": "tap_check_facts", ...}.

import copy
import importlib.util
import json
import os
import sys
import threading
import types

import ansible.constants
import ansible.plugins.callback
import ansible.utils.color
from ansible.executor.task_result import TaskResult
from ansible.inventory.host import Host
from ansible.playbook.task import Task

THREADS = 16
ITEMS_PER_THREAD = 50
ITEM_BYTES = 100 * 1024  # far above PIPE_BUF: a write can be split

FACTS = 'tap_check_facts'

# Diffs of every shape CallbackBase._get_diff formats.
DIFFS = [
    {'before': 'name=first\nport=80\n', 'after': 'name=second\nport=80\n',
     'before_header': '/etc/app.conf', 'after_header': '/etc/app.conf'},
    {'before': 'no final newline', 'after': 'none here either'},
    {'before': None, 'after': 'a new file\n'},
    {'before': {'b': 1, 'a': [1, 2], 'c': {'d': 'e'}}, 'after': {'a': [1, 3], 'b': 1, 'c': {'d': 'f'}}},
    {'before': 'the same\n', 'after': 'the same\n'},
    {'before': ''.join('line %d\n' % i for i in range(20)),
     'after': ''.join('line %d\n' % i for i in range(20)).replace('line 10\n', 'line ten\n')},
    {'before': 'ünïcode\n', 'after': 'ünïcödé ✓\n'},
    {'dst_binary': 1},
    {'src_binary': 1},
    {'dst_larger': 1024},
    {'src_larger': 2048},
    {'prepared': 'what the module prepared\n'},
    [{'before': 'one\n', 'after': 'two\n'}, {'prepared': 'and more\n'}],
    {'before': 'a\n', 'after': 'b\n', 'prepared': 'both kinds\n', 'dst_binary': 1},
]


def load_plugin(path):
    spec = importlib.util.spec_from_file_location('ansible_tap_under_test', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def task(name, **attrs):
    t = Task()
    t.name = name
    t.action = attrs.pop('action', 'ansible.builtin.command')
    for k, v in attrs.items():
        setattr(t, k, v)
    return t


class Unreadable(Task):
    """A task whose path raises: the callback cannot describe it whole."""

    def get_path(self):
        raise RuntimeError('this task cannot be read')


class CraftedResult:
    """A task result as callbacks receive it on ansible-core 2.19 and later
    (CallbackTaskResult's public face, and its older private names), for the
    versions whose TaskResult no longer takes a plain dict."""

    def __init__(self, host, task, result):
        self.__host, self.__task, self.__result = host, task, result

    host = _host = property(lambda self: self.__host)
    task = _task = property(lambda self: self.__task)
    result = _result = property(lambda self: self.__result)

    def is_failed(self):
        return bool(self.__result.get('failed'))


def task_result(host, t, result):
    """A real TaskResult where the running ansible-core builds one from a
    dict (before 2.19), else a CraftedResult."""
    if hasattr(TaskResult, 'task'):  # 2.19 and later: built from a worker's result only
        return CraftedResult(host, t, result)
    return TaskResult(host, t, result)


class WatchedModule(types.ModuleType):
    """A module that notes every assignment to its globals."""
    writes = []

    def __setattr__(self, name, value):
        WatchedModule.writes.append('%s.%s = %r' % (self.__name__, name, value))
        super().__setattr__(name, value)


# Ansible's modules whose globals a callback could flip: colour, constants,
# and the callback base module with its stringc.
WATCHED = (ansible.utils.color, ansible.constants, ansible.plugins.callback)


def watch():
    for m in WATCHED:
        m.__class__ = WatchedModule


def unwatch():
    for m in WATCHED:
        types.ModuleType.__setattr__(m, '__class__', types.ModuleType)  # past the watch


class Warnings:
    """A Display that keeps the warnings it is given."""
    verbosity = 0

    def __init__(self):
        self.warnings = []

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def check_diff(plugin, host):
    facts = {}
    # What Ansible prints with colour off, from the diffs' copies.
    saved = ansible.utils.color.ANSIBLE_COLOR
    ansible.utils.color.ANSIBLE_COLOR = False
    facts['reference'] = [plugin._get_diff(copy.deepcopy(d)) for d in DIFFS]
    looped = [d for d in DIFFS if not isinstance(d, list)][:3]
    facts['reference_loop'] = ''.join(plugin._get_diff(copy.deepcopy(d)) for d in looped)
    # The callback on a terminal: colour on, as a user's run may have it.
    ansible.utils.color.ANSIBLE_COLOR = True
    kept = copy.deepcopy(DIFFS)
    loop_items = [{'changed': True, 'diff': looped[0]}, {'changed': False, 'diff': DIFFS[5]},
                  {'changed': True, 'diff': looped[1]}, {'changed': True, 'diff': looped[2]}]
    watch()
    try:
        for i, d in enumerate(DIFFS):
            plugin.v2_on_file_diff(task_result(host, task('Diff %d' % i), {'changed': True, 'diff': d}))
        plugin.v2_on_file_diff(task_result(host, task('Loop diff', loop=['x']), {'changed': True, 'results': loop_items}))
    finally:
        unwatch()
    facts['global_writes'] = WatchedModule.writes
    facts['colour_after'] = ansible.utils.color.ANSIBLE_COLOR
    facts['unchanged'] = DIFFS == kept
    ansible.utils.color.ANSIBLE_COLOR = saved
    return facts


def check_restore(module, w):
    cases = [
        ('valid', json.dumps({'TAP_CHECK_A': 'the user\'s', 'TAP_CHECK_B': None})),
        ('not json', '{"TAP_CHECK_A": '),
        ('not an object', '["TAP_CHECK_A"]'),
        ('bad values', json.dumps({'TAP_CHECK_A': 'kept', 'TAP_CHECK_B': 5, 'BAD=NAME': 'x', 'TAP_CHECK_C': 'kept too'})),
    ]
    seen = {}
    for name, saved in cases:
        os.environ.update(TAP_CHECK_A='ansible-tap\'s', TAP_CHECK_B='ansible-tap\'s')
        os.environ.pop('TAP_CHECK_C', None)
        os.environ[module.RESTORE_ENV] = saved
        os.environ[module.EVENTS_FD_ENV] = str(w)
        module.CallbackModule(Warnings())
        seen[name] = {k: os.environ.get(k) for k in
                      ('TAP_CHECK_A', 'TAP_CHECK_B', 'TAP_CHECK_C', module.RESTORE_ENV, module.EVENTS_FD_ENV)}
    return {'environment': seen}


def check_unchanged(module, plugin, host):
    """Every result hook, on results that hold every kind of value; what
    each left changed."""
    looping = task('Unchanged loop', loop=['a'])
    plain = task('Unchanged')
    nested = {'list': [1, {'deep': ['x']}], 'dict': {'k': {'v': None}}, 'text': 'ü'}
    calls = [
        ('v2_runner_on_ok', plain, {'changed': True, 'data': nested, '_ansible_no_log': False}),
        ('v2_runner_on_failed', plain, {'failed': True, 'msg': 'no', 'data': nested}),
        ('v2_runner_on_skipped', plain, {'skipped': True, 'skip_reason': 'because'}),
        ('v2_runner_on_unreachable', plain, {'unreachable': True, 'msg': 'gone'}),
        ('v2_runner_item_on_ok', looping, {'item': 'a', 'ansible_loop_var': 'item', 'data': nested}),
        ('v2_runner_item_on_failed', looping, {'item': 'a', 'failed': True, '_ansible_item_label': 'A'}),
        ('v2_runner_item_on_skipped', looping, {'item': 'a', 'skipped': True}),
        ('v2_runner_retry', plain, {'attempts': 1, 'retries': 3, 'data': nested}),
        ('v2_runner_on_async_poll', plain, {'ansible_job_id': '1', 'started': 1}),
        ('v2_runner_on_async_ok', plain, {'ansible_job_id': '1', 'finished': 1}),
        ('v2_runner_on_async_failed', plain, {'ansible_job_id': '1', 'failed': True}),
        ('v2_on_file_diff', plain, {'changed': True, 'diff': {'before': {'a': 1}, 'after': {'a': 2}}}),
        ('v2_on_file_diff', looping, {'changed': True, 'results': [{'changed': True, 'diff': [{'before': None, 'after': 'x'}]}]}),
    ]
    changed = []
    for hook, t, result in calls:
        given = task_result(host, t, result)
        seen = module._result_of(given)  # the dict every callback sees (a copy of result on 2.14)
        before = copy.deepcopy(seen)
        getattr(plugin, hook)(given)
        if seen != before:
            changed.append(hook)
    return {'calls': len(calls), 'changed': changed}


def main():
    plugin_path, case = sys.argv[1], sys.argv[2]
    r, w = os.pipe()
    os.environ['ANSIBLE_TAP_EVENTS_FD'] = str(w)
    module = load_plugin(plugin_path)
    plugin = module.CallbackModule()

    chunks = []
    reader = threading.Thread(target=lambda: drain(r, chunks), daemon=True)
    reader.start()

    host = Host('h1')
    facts = {}
    if case == 'unencodable':
        result = {'changed': True, 'failed': True, 'msg': 'loops back', 'rc': 2}
        result['self'] = result
        plugin.v2_runner_on_failed(task_result(host, task('Unencodable'), result), ignore_errors=True)
    elif case == 'raises':
        raising = Unreadable()
        raising.name, raising.action = 'Raises', 'ansible.builtin.command'
        plugin.v2_runner_on_failed(task_result(host, raising, {'failed': True, 'msg': 'it failed'}))
    elif case == 'concurrent':
        looping = task('Concurrent', loop=['x'])
        payload = 'x' * ITEM_BYTES

        def write_items(n):
            for i in range(ITEMS_PER_THREAD):
                res = {'changed': False, 'item': '%d-%d' % (n, i), 'ansible_loop_var': 'item', 'data': payload}
                plugin.v2_runner_item_on_ok(task_result(Host('h%d' % n), looping, res))

        writers = [threading.Thread(target=write_items, args=(n,)) for n in range(THREADS)]
        for t in writers:
            t.start()
        for t in writers:
            t.join()
    elif case == 'diff':
        facts = check_diff(plugin, host)
    elif case == 'restore':
        facts = check_restore(module, w)
    elif case == 'bad-fd':
        display = Warnings()
        os.environ[module.EVENTS_FD_ENV] = 'not-a-descriptor'
        module.CallbackModule(display)
        facts = {'warnings': display.warnings}
    elif case == 'delegation':
        delegated = task('Delegated', delegate_to='web2')
        for n in range(2):
            result = {'changed': False, 'msg': 'ran on web2', '_ansible_delegated_vars': 'not a mapping'}
            plugin.v2_runner_on_ok(task_result(host, delegated, result))
    elif case == 'unchanged':
        facts = check_unchanged(module, plugin, host)
    else:
        sys.exit('unknown case %s' % case)

    os.close(w)
    reader.join()
    sys.stdout.buffer.write(b''.join(chunks))
    facts['_event'] = FACTS
    sys.stdout.write(json.dumps(facts) + '\n')


def drain(fd, chunks):
    while True:
        data = os.read(fd, 1 << 16)
        if not data:
            return
        chunks.append(data)


if __name__ == '__main__':
    main()
