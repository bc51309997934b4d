#!/usr/bin/env bash
# Set up .venv (if needed) and start the dashboard on the sample corpus at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_requirements requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
