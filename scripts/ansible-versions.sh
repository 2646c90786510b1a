#!/usr/bin/env bash
# Makes other Debian suites' ansible-core runnable on this Debian machine,
# without touching its packages or its apt sources, for the tests that run
# the real ansible-playbook on several versions.
#
#   scripts/ansible-versions.sh [--cache DIR] [--python auto|system|suite]
#                               [--collections LIST] [--refresh] SUITE...
#
# SUITE is a Debian suite or codename: trixie, sid, forky, ... For each one it
# makes sure DIR/SUITE holds that suite's ansible-core, unpacked, and prints
#
#   SUITE VERSION DIR/SUITE/bin/ansible-playbook
#
# on stdout, VERSION being ansible-core's own (as `--version` says it), or
# `SUITE skipped: REASON` on stderr when it cannot be had or cannot run here.
# DIR/SUITE/bin holds a wrapper for each of ansible-core's commands
# (ansible-playbook, ansible, ansible-galaxy, ...), and nothing else, so it
# can go first on a PATH. When the suite's own Python runs it, DIR/SUITE/python3
# is that interpreter, the one modules run on when the inventory says
# ansible_python_interpreter="{{ ansible_playbook_python }}". DIR/SUITE/.complete
# says which version, packages and Python it holds.
#
# --collections (default ansible.posix; a comma-separated list, empty for
# none) names collections to take from the suite's own `ansible` package, the
# one of Debian's collection bundle that goes with its ansible-core: only those
# directories are unpacked from it, for the stock callbacks (ansible.posix.json
# and .jsonl) that the tests compare with.
#
# The packages come from the Debian archive that the system's apt sources
# already use, through an apt configuration of its own under DIR/.apt (its own
# sources list, lists, status and downloads: apt-get update, apt-get -s
# install to resolve the dependencies, apt-get download; never a real install,
# never dpkg -i), and are unpacked with dpkg-deb -x. A suite that is already
# there is not fetched again, so a warm run needs no network; --refresh fetches
# the suite's package lists again and rebuilds the suite, downloading only the
# packages that changed.
#
# Which Python runs it (--python, auto by default):
#   system  this machine's /usr/bin/python3 and its Python packages, with the
#           suite's ansible-core first on PYTHONPATH; auto takes it when the
#           installed packages meet ansible-core's versioned dependencies and
#           `ansible-playbook --version` runs on it.
#   suite   the suite's own python3 and Python packages, with their shared
#           libraries down to the suite's C library, run by the suite's own
#           dynamic loader (ld.so --library-path --argv0), since this
#           system's C library may be older than the one they were built for.
#           Nothing of it leaks into the environment of the programs that
#           Ansible runs.
#
# The cache directory defaults to
# ${ANSIBLE_TAP_VERSIONS_CACHE:-$HOME/.cache/ansible-tap/ansible-core}.
# The exit status is 0 when every suite was either made ready or skipped with
# its reason, 2 for a usage error and 1 when the cache cannot be used. Progress
# goes to stderr, only when something has to be fetched.
set -euo pipefail

usage() {
	echo "usage: $0 [--cache DIR] [--python auto|system|suite] [--collections LIST] [--refresh] SUITE..." >&2
	exit 2
}

cache=${ANSIBLE_TAP_VERSIONS_CACHE:-${HOME:-/root}/.cache/ansible-tap/ansible-core}
python_mode=auto
collections=ansible.posix
refresh=false
suites=()
while [ $# -gt 0 ]; do
	case $1 in
	--cache)
		[ $# -ge 2 ] || usage
		cache=$2
		shift 2
		;;
	--cache=*)
		cache=${1#--cache=}
		shift
		;;
	--python)
		[ $# -ge 2 ] || usage
		python_mode=$2
		shift 2
		;;
	--python=*)
		python_mode=${1#--python=}
		shift
		;;
	--collections)
		[ $# -ge 2 ] || usage
		collections=$2
		shift 2
		;;
	--collections=*)
		collections=${1#--collections=}
		shift
		;;
	--refresh)
		refresh=true
		shift
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*)
		suites+=("$1")
		shift
		;;
	esac
done
[ ${#suites[@]} -gt 0 ] || usage
case $python_mode in auto | system | suite) ;; *) usage ;; esac
collections=$(tr -s ', ' '\n' <<<"$collections" | sed '/^$/d' | sort -u | paste -sd, -)
[[ $collections =~ ^([a-z0-9_]+\.[a-z0-9_]+(,|$))*$ ]] || {
	echo "$0: not a list of collections (NAMESPACE.NAME,...): $collections" >&2
	exit 2
}
for s in "${suites[@]}"; do
	[[ $s =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || {
		echo "$0: not a Debian suite name: $s" >&2
		exit 2
	}
done

# Packages that the suites' Python and ansible-core depend on but that are of
# no use unpacked in a private tree, so this machine's own serve: programs that
# Ansible runs from the PATH (ssh), data that the libraries read at the
# system's absolute paths (/etc/ssl/certs, /usr/share/zoneinfo, /etc/services,
# /etc/mime.types, /var/lib/ieee-data, the C library's gconv modules), and
# packaging and system tools that the dependencies drag in and nothing here
# runs. The resolver takes them as installed.
host_packages=(openssh-client ca-certificates openssl tzdata media-types netbase
	readline-common ieee-data libc-gconv-modules-extra wget systemd debconf dpkg
	adduser passwd)

note() { echo "ansible-versions: $*" >&2; }

mkdir -p "$cache" || exit 1
cache=$(cd "$cache" && pwd -P)
exec 9>"$cache/.lock"
flock 9 # one run at a time on a cache; a waiting one then finds the suite ready
rm -rf "$cache"/.build-* "$cache"/.old-*

arch=$(dpkg --print-architecture)

# mirror prints the URI of the Debian archive (not its security archive) that
# the system's apt sources use, from the index targets of its last apt-get
# update, for example http://deb.debian.org/debian/.
mirror() {
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	apt-get indextargets --format '$(TARGET_OF) $(LABEL) $(REPO_URI)' 2>/dev/null |
		awk '$1 == "deb" && $2 == "Debian" { print $3; exit }'
}

# apt_for SUITE sets up the private apt configuration of SUITE under
# $cache/.apt/SUITE and sets apt_conf to it.
apt_for() {
	local dir=$cache/.apt/$1 uri=$2 signed=""
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/debs"
	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
		signed=" signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
	echo "deb [arch=$arch$signed] $uri $1 main" >"$dir/sources.list"
	[ -f "$dir/status" ] || : >"$dir/status"
	# The system's apt.conf.d still applies (a proxy, say); its hooks do not.
	cat >"$dir/apt.conf" <<-EOF
		Dir::Etc::SourceList "$dir/sources.list";
		Dir::Etc::SourceParts "/dev/null";
		Dir::Etc::Preferences "/dev/null";
		Dir::Etc::PreferencesParts "/dev/null";
		Dir::State "$dir";
		Dir::State::Lists "$dir/lists";
		Dir::State::status "$dir/status";
		Dir::Cache "$dir";
		Dir::Cache::Archives "$dir/archives";
		Dir::Cache::pkgcache "$dir/pkgcache.bin";
		Dir::Cache::srcpkgcache "$dir/srcpkgcache.bin";
		APT::Sandbox::User "root";
		Acquire::Languages "none";
		Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "false";
		Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled "false";
		Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
		#clear APT::Update::Pre-Invoke;
		#clear APT::Update::Post-Invoke;
		#clear APT::Update::Post-Invoke-Success;
	EOF
	apt_conf=$dir/apt.conf
}

# apt_get and apt_cache run apt with the private configuration, in English.
apt_get() { LC_ALL=C apt-get -c "$apt_conf" "$@"; }
apt_cache() { LC_ALL=C apt-cache -c "$apt_conf" "$@"; }

# deb_file NAME VERSION ARCH is the file name that apt-get download gives.
deb_file() { echo "${1}_${2//:/%3a}_${3}.deb"; }

# candidate NAME prints the suite's version and architecture of a package.
candidate() {
	apt_cache show --no-all-versions "$1" 2>/dev/null |
		awk '/^Version:/ { v = $2 } /^Architecture:/ { a = $2 } END { if (v != "") print v, a }'
}

# deps_installed DEB says whether this machine has every dependency of DEB
# installed, at a version that meets it (alternatives and python3 aside).
deps_installed() {
	local group name op ver have
	while IFS= read -r group; do
		group=${group# }
		case $group in "" | *"|"*) continue ;; esac
		name=${group%% *}
		name=${name%:any}
		[ "$name" != python3 ] || continue
		# shellcheck disable=SC2016 # dpkg-query's own ${field} syntax
		have=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$name" 2>/dev/null) || return 1
		case $have in ii*) have=${have#ii } ;; *) return 1 ;; esac
		have=${have# }
		case $group in
		*"("*")"*)
			op=${group#*(}
			op=${op%)*}
			ver=${op#* }
			op=${op%% *}
			dpkg --compare-versions "$have" "$op" "$ver" || return 1
			;;
		esac
	done < <(dpkg-deb -f "$1" Depends | tr ',' '\n')
}

# wrap DIR writes DIR/bin/ansible* for each of ansible-core's commands in
# DIR/root/usr/bin, run by PYTHON (an absolute path, or one below DIR/root).
wrap() {
	local dir=$1 python=$2 f name
	mkdir -p "$dir/bin"
	for f in "$dir"/root/usr/bin/ansible*; do
		name=${f##*/}
		if [ "${python#/}" != "$python" ]; then
			cat >"$dir/bin/$name" <<-EOF
				#!/bin/sh
				# ansible-core from Debian $suite, on this system's $python.
				self=\$(readlink -f -- "\$0")
				root=\${self%/bin/*}/root
				PYTHONPATH=\$root/usr/lib/python3/dist-packages\${PYTHONPATH:+:\$PYTHONPATH}
				export PYTHONPATH
				exec $python "\$root/usr/bin/\${self##*/}" "\$@"
			EOF
		else
			cat >"$dir/bin/$name" <<-EOF
				#!/bin/sh
				# ansible-core from Debian $suite, on $suite's own Python.
				self=\$(readlink -f -- "\$0")
				root=\${self%/bin/*}/root
				exec "\$root/$python" "\$root/usr/bin/\${self##*/}" "\$@"
			EOF
		fi
		chmod 755 "$dir/bin/$name"
	done
}

# ansible_version ROOT prints the version of the ansible-core below ROOT.
ansible_version() {
	sed -n "s/^__version__ = ['\"]\(.*\)['\"]\$/\1/p" "$1/usr/lib/python3/dist-packages/ansible/release.py"
}

# build SUITE makes $cache/SUITE. It prints the suite's line and exits 0, or
# prints the skip line and exits 3. It runs in a subshell of its own.
build() {
	suite=$1
	local out="$cache/$suite" uri core core_arch deb reason
	# Ready from an earlier run, with the collections and the Python asked for?
	if [ "$refresh" = false ] && [ -f "$out/.complete" ] && [ -x "$out/bin/ansible-playbook" ] &&
		[ "$(sed -n 's/^collections *//p' "$out/.complete")" = "$collections" ]; then
		local had
		had=$(sed -n 's/^python [^ ]* //p' "$out/.complete")
		case $python_mode:$had in
		system:/usr/bin/python3 | suite:"$out"/* | auto:*)
			echo "$suite $(sed -n 's/^version //p' "$out/.complete") $out/bin/ansible-playbook"
			exit 0
			;;
		esac
	fi
	skip() {
		echo "$suite skipped: $*" >&2
		exit 3
	}

	uri=${ANSIBLE_TAP_DEBIAN_MIRROR:-$(mirror)}
	[ -n "$uri" ] || skip "no Debian archive among this system's apt sources (run apt-get update first, or set ANSIBLE_TAP_DEBIAN_MIRROR)"
	apt_for "$suite" "$uri"
	note "$suite: apt-get update (private lists in $cache/.apt/$suite)"
	if ! reason=$(apt_get -q update 2>&1) || grep -q '^[WE]:' <<<"$reason"; then
		# A warning too: a suite that the archive lacks is one.
		[ -n "$(candidate ansible-core)" ] ||
			skip "apt-get update failed: $(grep '^[WE]:' <<<"$reason" | head -n 2 | tr '\n' ' ')"
		note "$suite: apt-get update complained, going on with the lists it has: $(grep '^[WE]:' <<<"$reason" | head -n 1)"
	fi
	read -r core core_arch < <(candidate ansible-core) || skip "Debian $suite has no ansible-core"

	tmp=$(mktemp -d "$cache/.build-$suite.XXXXXX")
	chmod 755 "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	cd "$cache/.apt/$suite/debs"

	# This system's Python first, when it can.
	local python="" want="" closure p v a
	if [ "$python_mode" != suite ]; then
		deb=$(deb_file ansible-core "$core" "$core_arch")
		if [ ! -f "$deb" ]; then
			note "$suite: downloading ansible-core $core"
			reason=$(apt_get -q download "ansible-core=$core" 2>&1) ||
				skip "apt-get download ansible-core=$core failed: $(grep '^E:' <<<"$reason" | head -n 2 | tr '\n' ' ')"
		fi
		mkdir "$tmp/root"
		dpkg-deb -x "$deb" "$tmp/root"
		if ! deps_installed "$deb"; then
			reason="this system lacks ansible-core $core's dependencies, or has them too old: $(dpkg-deb -f "$deb" Depends)"
		elif ! reason=$(LC_ALL=C.UTF-8 PYTHONPATH=$tmp/root/usr/lib/python3/dist-packages \
			/usr/bin/python3 "$tmp/root/usr/bin/ansible-playbook" --version 2>&1); then
			reason="/usr/bin/python3 cannot run it: $(tail -n 1 <<<"$reason")"
		else
			python=/usr/bin/python3
			want="ansible-core=$core"
		fi
		if [ -z "$python" ]; then
			[ "$python_mode" = auto ] || skip "$reason"
			note "$suite: $reason; taking $suite's own Python"
			rm -rf "$tmp/root"
		fi
	fi

	if [ -z "$python" ]; then
		# The suite's python3 and ansible-core with what they depend on, down
		# to the C library, as the resolver sees it on a machine that has
		# nothing but the host packages above.
		local status=$cache/.apt/$suite/status
		: >"$status"
		{ apt_cache show --no-all-versions "${host_packages[@]}" 2>/dev/null || true; } |
			awk '/^Package:/ { if (n++) print "Status: install ok installed\n" }
				/^(Package|Version|Architecture|Multi-Arch|Provides):/ { print }
				END { if (n) print "Status: install ok installed\n" }' >"$status.new"
		# Unchanged, it keeps apt's cache of the lists valid.
		if cmp -s "$status.new" "$status"; then rm "$status.new"; else mv "$status.new" "$status"; fi
		closure=$(apt_get -s install --no-install-recommends python3 ansible-core 2>&1) ||
			skip "apt cannot resolve $suite's python3 and ansible-core: $(grep '^E:' <<<"$closure" | head -n 2 | tr '\n' ' ')"
		# Inst NAME [OLD] (VERSION RELEASE [ARCH]) [...]; OLD when it is a host one
		closure=$(awk '$1 == "Inst" && $3 ~ /^\(/ {
			a = ""; for (i = 4; i <= NF; i++) if ($i ~ /^\[[^]]+\]\)$/) { a = substr($i, 2, length($i) - 3); break }
			print $2, substr($3, 2), a }' <<<"$closure")
		local files=() names=()
		while read -r p v a; do
			[[ " ${host_packages[*]} " != *" $p "* ]] || continue
			names+=("$p=$v")
			files+=("$(deb_file "$p" "$v" "$a")")
		done <<<"$closure"
		want=${names[*]}
		local missing=()
		for i in "${!files[@]}"; do
			[ -f "${files[$i]}" ] || missing+=("${names[$i]}")
		done
		if [ ${#missing[@]} -gt 0 ]; then
			note "$suite: downloading ${#missing[@]} of ${#names[@]} packages (python3, ansible-core and their dependencies)"
			reason=$(apt_get -q download "${missing[@]}" 2>&1) ||
				skip "apt-get download failed: $(grep '^E:' <<<"$reason" | head -n 2 | tr '\n' ' ')"
		fi
		mkdir "$tmp/root"
		for f in "${files[@]}"; do
			dpkg-deb -x "$f" "$tmp/root"
		done

		# Its Python, run by its own dynamic loader on its own libraries: the
		# loader of the system would load them with the system's C library.
		local libc libdir ldso py
		libc=$(find "$tmp/root/usr/lib" "$tmp/root/lib" -name libc.so.6 2>/dev/null | head -n 1) || true
		[ -n "$libc" ] || skip "no C library among $suite's packages"
		libdir=${libc%/libc.so.6}
		ldso=$(find "$libdir" -maxdepth 1 \( -name 'ld-linux*.so.*' -o -name 'ld64.so.*' -o -name 'ld.so.*' \) | head -n 1) || true
		[ -n "$ldso" ] || skip "no dynamic loader among $suite's packages"
		py=$(readlink "$tmp/root/usr/bin/python3") || skip "no python3 among $suite's packages"
		libdir=${libdir#"$tmp/root/"}
		ldso=${ldso#"$tmp/root/"}
		[ "${libdir#usr/}" != "$libdir" ] || skip "$suite's C library is not below /usr: $libdir"
		# It lives in usr/bin, for Python to find its prefix from its path.
		cat >"$tmp/root/usr/bin/python3-run" <<-EOF
			#!/bin/sh
			# Debian $suite's $py, run by $suite's own dynamic loader on its
			# own libraries; Python takes this script for its executable.
			self=\$(readlink -f -- "\$0")
			usr=\${self%/bin/*}
			exec "\$usr/${ldso#usr/}" --library-path "\$usr/${libdir#usr/}" --argv0 "\$self" "\$usr/bin/$py" "\$@"
		EOF
		chmod 755 "$tmp/root/usr/bin/python3-run"
		python=usr/bin/python3-run
		ln -s root/usr/bin/python3-run "$tmp/python3"
		reason=$(LC_ALL=C.UTF-8 "$tmp/root/$python" "$tmp/root/usr/bin/ansible-playbook" --version 2>&1) ||
			skip "$suite's $py cannot run ansible-core $core here: $(tail -n 1 <<<"$reason")"
	fi

	if [ -n "$collections" ]; then
		local bundle bundle_arch paths=() c
		read -r bundle bundle_arch < <(candidate ansible) ||
			skip "Debian $suite has no ansible package to take the collections $collections from"
		deb=$(deb_file ansible "$bundle" "$bundle_arch")
		if [ ! -f "$deb" ]; then
			note "$suite: downloading ansible $bundle (Debian's collection bundle) for $collections"
			reason=$(apt_get -q download "ansible=$bundle" 2>&1) ||
				skip "apt-get download ansible=$bundle failed: $(grep '^E:' <<<"$reason" | head -n 2 | tr '\n' ' ')"
		fi
		for c in ${collections//,/ }; do
			paths+=("./usr/lib/python3/dist-packages/ansible_collections/${c%%.*}/${c#*.}")
		done
		reason=$(dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/root" "${paths[@]}" 2>&1) ||
			skip "cannot take $collections from ansible $bundle: $(head -n 1 <<<"$reason")"
		want="$want ansible=$bundle"
	fi

	wrap "$tmp" "$python"
	local version pyver pypath=$python
	version=$(ansible_version "$tmp/root")
	[ -n "$version" ] || skip "cannot read the version of ansible-core $core"
	[ "${python#/}" != "$python" ] || {
		python=$tmp/root/$python
		pypath=$out/python3
	}
	pyver=$("$python" -c 'import platform; print(platform.python_version())')
	{
		echo "version $version"
		echo "package ansible-core $core"
		echo "python $pyver $pypath"
		echo "suite $suite $uri"
		echo "collections $collections"
		echo "packages $want"
	} >"$tmp/.complete"

	# Into place; the debs stay for the next build, but only the ones in use.
	if [ -e "$out" ]; then
		mv "$out" "$(mktemp -u "$cache/.old-$suite.XXXXXX")"
	fi
	mv "$tmp" "$out"
	trap - EXIT
	rm -rf "$cache"/.old-*
	local keep
	keep=$(sed -n 's/^packages //p' "$out/.complete" | tr ' ' '\n' |
		while IFS='=' read -r p v; do [ -z "$p" ] || echo "${p}_${v//:/%3a}_"; done)
	for f in *.deb; do
		[ -e "$f" ] || continue
		grep -qF "${f%_*}_" <<<"$keep" || rm -f "$f"
	done
	rm -f "$cache/.apt/$suite"/*.bin # apt's caches of the lists, 100 MB, made again when needed
	note "$suite: ansible-core $version on Python $pyver ready in $out"
	echo "$suite $version $out/bin/ansible-playbook"
}

# Each suite is built in a subshell of its own, in the background for the
# signals that end this script to end it too (and its EXIT trap to clean up).
child=""
trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null; exit 143' TERM
trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null; exit 130' INT HUP
for s in "${suites[@]}"; do
	set +e
	(
		set -e
		trap 'exit 143' TERM INT HUP
		build "$s"
	) &
	child=$!
	wait "$child"
	rc=$?
	child=""
	set -e
	case $rc in
	0 | 3) ;;
	*) echo "$s skipped: failed with status $rc (see the messages above)" >&2 ;;
	esac
done
exit 0
