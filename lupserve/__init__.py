"""Running the app for real events: a throwaway PostgreSQL cluster, Streamlit replicas and HAProxy in front.

Tooling, not the app: nothing here is imported by ``app.py``, ``pages/``, ``lupui`` or ``lupcore``.
``pgtemp`` uses only the standard library, so ``.ci/run`` can start a cluster before the venv exists.
"""
