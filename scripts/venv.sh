# Sourced by scripts/run and scripts/test: create .venv/ and install the project into it, pinned by
# constraints.txt, but only when pyproject.toml or constraints.txt changed since the last install.
ensure_venv() {
  local extras="$1"
  local stamp=".venv/.installed${extras:+-$extras}"
  if [ ! -x .venv/bin/python ]; then
    echo "scripts: creating .venv/ with $(python3 --version)" >&2
    python3 -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    echo "scripts: installing the project into .venv/ (pinned by constraints.txt)" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}
