#!/usr/bin/env bash
# Installs what ansible-tap's demo and tests need on a Debian machine:
# Ansible, the Prometheus tools, junitparser and GNU time. Go itself must be
# on the PATH (go.mod names the version).
set -euo pipefail

need=()
command -v ansible-playbook >/dev/null || need+=(ansible)
command -v ssh >/dev/null || need+=(openssh-client)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
command -v prometheus-pushgateway >/dev/null || need+=(prometheus-pushgateway)
/usr/bin/python3 -c 'import junitparser' 2>/dev/null || need+=(python3-junitparser)
command -v cmark-gfm >/dev/null || need+=(cmark-gfm)
[ -x /usr/bin/time ] || need+=(time)

if [ ${#need[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing: ${need[*]}" >&2
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${need[@]}"
fi

if ! command -v go >/dev/null; then
	if [ -x /usr/local/go/bin/go ]; then
		echo "Go is in /usr/local/go/bin: add it to PATH" >&2
	else
		echo "Go is not installed: see https://go.dev/doc/install" >&2
	fi
	exit 1
fi
