"""Serve a few files from node_modules as static files, without collecting the whole package.

``npm ci`` (run by ./setup.sh) installs ECharts under node_modules/; only the files named in
``VENDOR_FILES`` are served, under ``vendor/<package>/``. ECharts' dist folder is some 50 MB,
so pointing STATICFILES_DIRS at it would make every collectstatic copy and compress it all.
A missing file is simply not found (the dashboard then says how to install it).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# served path prefix → (directory under node_modules, file names)
VENDOR_FILES = {
    "vendor/echarts": ("echarts", ("dist/echarts.min.js", "LICENSE", "NOTICE")),
}


class VendorFinder(BaseFinder):
    def _entries(self):
        base = Path(settings.PROJECT_DIR) / "node_modules"
        for prefix, (package, names) in VENDOR_FILES.items():
            for name in names:
                path = base / package / name
                if path.is_file():
                    yield f"{prefix}/{Path(name).name}", path

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        matches = [str(p) for served, p in self._entries() if served == path]
        if find_all:
            return matches
        return matches[0] if matches else []

    def list(self, ignore_patterns):
        for served, path in self._entries():
            storage = FileSystemStorage(location=str(path.parent))
            storage.prefix = served.rsplit("/", 1)[0]
            yield path.name, storage
