# A team's own stdout callback: one line a result, for the drop-in tests.
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'tap_marker'

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._display.display('MARKER task %s' % task.get_name())

    def v2_runner_on_ok(self, result):
        self._display.display('MARKER ok %s' % result._host.get_name())

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._display.display('MARKER failed %s ignore_errors=%s' % (result._host.get_name(), ignore_errors))

    def v2_playbook_on_stats(self, stats):
        for h in sorted(stats.processed):
            self._display.display('MARKER recap %s %s' % (h, stats.summarize(h)))
