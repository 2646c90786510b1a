#!/usr/bin/env bash
# Installs what ansible-tap's demo and tests need on a Debian machine:
# Ansible, the Prometheus tools, junitparser, cmark-gfm, pyflakes3 for the
# Python files, GNU time, jq, Chromium and a font for the HTML report's
# browser tests, PostgreSQL for the run history's team store (the tests start
# throwaway servers from its programs; the package's own server is left as
# Debian sets it up), and Go when the machine has none.
set -euo pipefail

need=()
command -v ansible-playbook >/dev/null || need+=(ansible)
command -v ssh >/dev/null || need+=(openssh-client)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
command -v prometheus-pushgateway >/dev/null || need+=(prometheus-pushgateway)
/usr/bin/python3 -c 'import junitparser' 2>/dev/null || need+=(python3-junitparser)
command -v cmark-gfm >/dev/null || need+=(cmark-gfm)
command -v pyflakes3 >/dev/null || need+=(pyflakes3)
[ -x /usr/bin/time ] || need+=(time)
command -v jq >/dev/null || need+=(jq)
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}" >&2
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${need[@]}"
fi

# Go, at the version go.mod names. A machine without it gets that toolchain
# through the Go module proxy, as the go command itself fetches toolchains,
# with Debian's golang-go as the client that downloads it.
export PATH="/usr/local/go/bin:$PATH"
if ! command -v go >/dev/null; then
	want=go$(sed -n 's/^go //p' "$(dirname "$0")/../go.mod")
	case $(dpkg --print-architecture) in
	armhf) arch=armv6l ;;
	i386) arch=386 ;;
	ppc64el) arch=ppc64le ;;
	*) arch=$(dpkg --print-architecture) ;; # amd64, arm64, s390x, riscv64
	esac
	echo "installing Go $want for linux-$arch into /usr/local/go" >&2
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y golang-go ca-certificates
	dir=$(cd /tmp && GO111MODULE=on GOFLAGS=-mod=mod /usr/bin/go mod download -json "golang.org/toolchain@v0.0.1-$want.linux-$arch" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
	[ -n "$dir" ] || { echo "could not download Go $want for linux-$arch through the module proxy" >&2; exit 1; }
	$sudo rm -rf /usr/local/go # no go in it, or command -v would have found it
	$sudo cp -r "$dir" /usr/local/go
	$sudo chmod -R u+w /usr/local/go
	$sudo chmod +x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/*
	go version
fi

# staticcheck, at a version of its own, through the Go module proxy, into
# Go's bin directory (the test command runs it from there).
staticcheck_version=v0.8.2
bin=$(go env GOPATH)/bin
if ! "$bin/staticcheck" -version 2>/dev/null | grep -q "${staticcheck_version#v}"; then
	echo "installing staticcheck $staticcheck_version into $bin" >&2
	go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi
