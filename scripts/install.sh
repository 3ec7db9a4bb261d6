#!/usr/bin/env bash
# Installs what Mutual needs on a fresh Debian machine, and nothing twice:
# system packages (unzip, Maven, Debian's Chromium, the hunspell English dictionary, PostgreSQL for
# the tests of the PostgreSQL catalog, openssl) when missing,
# and a virtualenv in .venv with Mutual and its development extras.
#
#   scripts/install.sh            everything
#   MUTUAL_SKIP_APT=1 ...         no system packages (you installed them yourself)
#   PYTHON=/usr/bin/python3.11 ...  the interpreter (3.11+, checked on every run; default: python3
#                                 on PATH) that makes .venv when .venv/bin/python is missing
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'install: %s\n' "$*" >&2; }

missing_packages() {
    local wanted=()
    command -v unzip >/dev/null || wanted+=(unzip)
    command -v mvn >/dev/null || wanted+=(maven)
    command -v curl >/dev/null || wanted+=(curl)
    command -v chromium >/dev/null || wanted+=(chromium)
    [[ -s /usr/share/hunspell/en_US.dic ]] || wanted+=(hunspell-en-us)
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || wanted+=(postgresql)
    command -v openssl >/dev/null || wanted+=(openssl)
    echo "${wanted[@]:-}"
}

install_system_packages() {
    [[ "${MUTUAL_SKIP_APT:-}" == 1 ]] && return 0
    local wanted
    wanted="$(missing_packages)"
    [[ -z "${wanted// /}" ]] && return 0
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
        say "please install these packages first: $wanted"; exit 1
    fi
    say "installing Debian packages: $wanted"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $wanted >/dev/null
}

install_python() {
    local python="${PYTHON:-python3}"
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || { say "Python 3.11 or newer is needed ($python is older)"; exit 1; }
    if [[ ! -x .venv/bin/python ]]; then
        say "creating .venv"
        "$python" -m venv .venv
    fi
    # Reinstall only when pyproject.toml changed since the last install.
    local stamp=.venv/.mutual-installed
    if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
        say "installing Python packages into .venv (a minute or two the first time)"
        # Quiet unless it fails: pip's and setuptools' notices go to a log shown on failure.
        local log=.venv/install.log
        if ! { .venv/bin/pip install -q --upgrade pip && .venv/bin/pip install -q -e '.[dev]'; } \
            >"$log" 2>&1; then
            tail -n 40 "$log" >&2
            say "pip failed; the whole log is in $log"; exit 1
        fi
        touch "$stamp"
    fi
}

install_system_packages
install_python
say "ready"
