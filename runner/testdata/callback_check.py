# Drives ansible-tap's callback plugin under a real ansible-core with crafted
# results, and prints every record it wrote, for runner/callback_test.go.
#
#   python3 callback_check.py PLUGIN.py CASE
#
# CASE is one of:
#   unencodable  a failed result that holds a reference to itself
#   raises       a task whose path cannot be read, so describing it raises
#   concurrent   THREADS threads writing big loop-item events at once

import importlib.util
import os
import sys
import threading

from ansible.executor.task_result import TaskResult
from ansible.inventory.host import Host
from ansible.playbook.task import Task

THREADS = 16
ITEMS_PER_THREAD = 50
ITEM_BYTES = 100 * 1024  # far above PIPE_BUF: a write can be split


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
    dict, else a CraftedResult."""
    try:
        r = TaskResult(host, t, result)
        got = r.result if isinstance(getattr(type(r), 'result', None), property) else r._result
        if got.get('failed') == result.get('failed'):
            return r
    except Exception:  # pylint: disable=broad-except
        pass
    return CraftedResult(host, t, result)


def main():
    plugin_path, case = sys.argv[1], sys.argv[2]
    r, w = os.pipe()
    os.environ['ANSIBLE_TAP_EVENTS_FD'] = str(w)
    plugin = load_plugin(plugin_path).CallbackModule()

    chunks = []
    reader = threading.Thread(target=lambda: drain(r, chunks), daemon=True)
    reader.start()

    host = Host('h1')
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
    else:
        sys.exit('unknown case %s' % case)

    os.close(w)
    reader.join()
    sys.stdout.buffer.write(b''.join(chunks))


def drain(fd, chunks):
    while True:
        data = os.read(fd, 1 << 16)
        if not data:
            return
        chunks.append(data)


if __name__ == '__main__':
    main()
