"""The load benchmark, `python -m bench` (`make bench`). It lives outside the `stressed` package,
so it is not installed with the site; the test suite shares its gunicorn launcher
(`bench.server`) and HTTP client (`bench.client`) for the tests against real servers.

The harness runs in a plain Python process and never imports Django: the site under test
runs in gunicorn subprocesses with production settings, and the harness only talks HTTP to
it (and reads the SQLite file directly to check that no answer was lost).

- `parse`: pure functions (wrk output, percentiles, HTML forms and resource links), unit-tested.
- `server`: the throwaway data dir, manage.py steps, gunicorn start/stop, worker memory.
- `client`: a tiny cookie-keeping HTTP client on http.client (no new dependencies).
- `drivers`: the load phases (wrk, concurrent quiz answers) and the page-weight measurement.
"""
