"""Router shim, not a page: Streamlit's old pages/ router answers a first direct visit to this URL.

Before app.py has called st.navigation once in the process, Streamlit looks for the requested URL among
the files of pages/ and says "Page not found" when none is named like it. This file is named like the
URL and only runs app.py, which routes to the real page (ui/pages.py) with the shared sidebar.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")
