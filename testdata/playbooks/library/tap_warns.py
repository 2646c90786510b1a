#!/usr/bin/python
# A module that returns a warning and a deprecation, as many modules do.
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(say=dict(type='str', default='hello')))
    module.warn('tap_warns was asked to say %s' % module.params['say'])
    module.deprecate('the say option is deprecated', version='9.0.0', collection_name='ansible.builtin')
    module.exit_json(changed=False, said=module.params['say'])


if __name__ == '__main__':
    main()
