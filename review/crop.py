"""Crops of the stored page images, served through the app (never a bucket URL).

The page is named by the entry the caller may see, never by a key the browser sends, so no path or key
can be injected. Decoded pages and finished crops are kept in small in-memory caches: a reviewer's next
item is usually on the same page.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

from PIL import Image

from storage.objects import ObjectStore

#: Whole pages are sent at most this wide (the registry-only view shows pages, not an entry).
PAGE_WIDTH = 1400


class _Lru:
    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class Cropper:
    def __init__(self, objects: ObjectStore, bucket: str, pages: int = 6, crops: int = 512) -> None:
        self.objects, self.bucket = objects, bucket
        self._pages, self._crops = _Lru(pages), _Lru(crops)

    def _page(self, key: str) -> Image.Image:
        page = self._pages.get(key)
        if page is None:
            page = Image.open(io.BytesIO(self.objects.get_bytes(self.bucket, key)))
            page.load()
            self._pages.put(key, page)
        return page

    def crop(self, key: str, box: tuple[int, int, int, int]) -> bytes:
        """PNG of ``box`` (x, y, w, h) on the page stored under ``key``."""
        cached = self._crops.get((key, box))
        if cached is None:
            x, y, w, h = box
            page = self._page(key)
            part = page.crop((x, y, min(page.width, x + w), min(page.height, y + h)))
            out = io.BytesIO()
            part.save(out, format="PNG", compress_level=1)
            cached = out.getvalue()
            self._crops.put((key, box), cached)
        return cached

    def page(self, key: str) -> bytes:
        cached = self._crops.get((key, None))
        if cached is None:
            page = self._page(key)
            scale = min(1.0, PAGE_WIDTH / page.width)
            small = page.resize((int(page.width * scale), int(page.height * scale))) if scale < 1 else page
            out = io.BytesIO()
            small.save(out, format="PNG", compress_level=1)
            cached = out.getvalue()
            self._crops.put((key, None), cached)
        return cached
