"""A real server for browser and concurrency tests: gunicorn on 127.0.0.1, on its own SQLite
database in a temporary folder, with the real curriculum loaded. Stopped by its PID.

It is the benchmark's launcher (`bench.server`) with development settings and DEBUG off, so
the suite and `make bench` start gunicorn the same way."""

from dataclasses import dataclass
from pathlib import Path

from bench.server import REPO, Gunicorn, HarnessError, Site

ROOT = REPO


@dataclass
class LiveSite:
    url: str
    site: Site
    server: Gunicorn

    @property
    def data_dir(self):
        return self.site.root

    @property
    def database(self):
        return self.site.db_path

    @property
    def env(self):
        return self.site.env

    def manage(self, *args):
        return self.site.manage(*args)


def start_site(data_dir: Path, workers=2, threads=4) -> LiveSite:
    # Many tests log in to the same site: a higher lockout limit than production's.
    site = Site(data_dir, production=False, extra_env={"AXES_FAILURE_LIMIT": "50"})
    site.prepare()
    server = Gunicorn(site, workers, data_dir / "gunicorn.log", threads=threads)
    try:
        server.start(timeout=60)
    except HarnessError as error:
        server.stop()
        raise RuntimeError(f"the test server did not start: {error}") from None
    return LiveSite(server.url, site, server)


def stop_site(live: LiveSite):
    live.server.stop()
