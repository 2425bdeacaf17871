#!/usr/bin/env bash
# Regenerate openapi-pydantic1.json: app.py's document under FastAPI 0.99 + Pydantic 1,
# from a throwaway virtual environment (the project itself runs Pydantic 2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TMPDIR:-/tmp}/driftguard-pydantic1-venv"
test -x "$venv/bin/python" || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "fastapi==0.99.1" "pydantic==1.10.21"
"$venv/bin/python" "$here/generate.py" "$here/openapi-pydantic1.json"
echo "wrote $here/openapi-pydantic1.json"
