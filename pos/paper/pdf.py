"""A small PDF writer: one full-page raster image a page, each written as soon as it is drawn.

Why not Pillow's own PDF writer: a multi-page save holds every page in memory (26 MB a page at
300 dpi, 2.6 GB for a thousand cards), and appending page by page re-reads the growing file
each time; it also stores colour only as JPEG, which smudges the edges of QR modules and
comes out twice as large as lossless Flate on pages of flat colour and text. Here memory holds
a page or two, the work is linear in the pages, and every pixel arrives as drawn. The output
is plain PDF 1.4, which every viewer and printer driver reads.

Compressing a page takes about as long as drawing its ten cards, and zlib lets go of the
interpreter while it works, so pages are compressed on worker threads while the next page is
drawn, and written in order.
"""

from __future__ import annotations

import os
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from PIL import Image

# Level 3: on card pages as fast as level 1 and a little smaller; the default level 6 saves
# another fifth of the size for twice the time, which a busy shop PC would feel.
LEVEL = 3
WORKERS = max(1, min(2, (os.cpu_count() or 1) - 1))  # leave a core for drawing
# Object numbers: 1 catalog, 2 page tree, 3 document info, then three per page.
CATALOG, PAGES, INFO, FIRST_PAGE = 1, 2, 3, 4


class PdfWriter:
    """`with PdfWriter(path, dpi=300, title=...) as pdf: pdf.add(page)` for each RGB page."""

    def __init__(self, path: Path, *, dpi: int, title: str) -> None:
        self.dpi, self.title = dpi, title
        self.file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.pool = ThreadPoolExecutor(max_workers=WORKERS)
        self.pending: deque[tuple[tuple[int, int], Future[bytes]]] = deque()
        # A binary comment line tells transfer programs the file is not text.
        self.file.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def add(self, page: Image.Image) -> None:
        if page.mode != "RGB":
            page = page.convert("RGB")
        job = self.pool.submit(zlib.compress, page.tobytes(), LEVEL)
        self.pending.append((page.size, job))
        while len(self.pending) > WORKERS:  # at most WORKERS pages wait in memory
            self._write_page(*self.pending.popleft())

    def _write_page(self, size: tuple[int, int], job: Future[bytes]) -> None:
        number = FIRST_PAGE + 3 * len(self.pages)
        contents, image = number + 1, number + 2
        width, height = (f"{px * 72 / self.dpi:.2f}" for px in size)
        self._object(
            number,
            f"<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {width} {height}]"
            f" /Resources << /XObject << /Page {image} 0 R >> >> /Contents {contents} 0 R >>",
        )
        self._stream(contents, "", f"q {width} 0 0 {height} 0 0 cm /Page Do Q".encode())
        self._stream(
            image,
            f"/Type /XObject /Subtype /Image /Width {size[0]} /Height {size[1]}"
            " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
            job.result(),
        )
        self.pages.append(number)

    def close(self) -> None:
        while self.pending:
            self._write_page(*self.pending.popleft())
        self.pool.shutdown()
        kids = " ".join(f"{n} 0 R" for n in self.pages)
        self._object(CATALOG, f"<< /Type /Catalog /Pages {PAGES} 0 R >>")
        self._object(PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(self.pages)} >>")
        self._object(INFO, f"<< /Title {_text(self.title)} /Producer (aixin) >>")
        size = max(self.offsets) + 1
        start = self.file.tell()
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        # Every number below `size` is written: three fixed objects and three per page.
        lines += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, size)]
        lines.append(f"trailer\n<< /Size {size} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\n")
        lines.append(f"startxref\n{start}\n%%EOF\n")
        self.file.write("".join(lines).encode("ascii"))
        self.file.close()

    def __enter__(self) -> PdfWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.pool.shutdown(cancel_futures=True)
            self.file.close()  # the caller throws the partial file away

    def _object(self, number: int, body: str) -> None:
        self.offsets[number] = self.file.tell()
        self.file.write(f"{number} 0 obj\n{body}\nendobj\n".encode("ascii"))

    def _stream(self, number: int, entries: str, data: bytes) -> None:
        self.offsets[number] = self.file.tell()
        head = f"{number} 0 obj\n<< {entries} /Length {len(data)} >>\nstream\n"
        self.file.write(head.encode("ascii") + data + b"\nendstream\nendobj\n")


def _text(value: str) -> str:
    """A PDF text string: UTF-16 with a byte-order mark, in hex, so Chinese survives."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"
