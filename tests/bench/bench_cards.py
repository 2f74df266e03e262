"""Benchmark: 1,000 member cards to an A4 vector PDF, against a bare qrcode + Pillow loop.

Run on demand (the default test run does not collect tests/bench):

    python -m tests.bench.bench_cards

The baseline draws the same 1,000 QR codes (same version, level, quiet zone and module size)
with qrcode's own Pillow image factory and nothing else: no database, no text, no page, no
file. The ratio says what the real print costs on top of drawing the codes at all.
"""

from __future__ import annotations

import math
import random
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import qrcode
import zxingcpp
from PIL import Image

from db.books import cards
from db.books.card_faces import faces
from db.books.households import HouseholdForm, save
from db.books.setup import Place, add_county, add_places, add_station, make_local
from db.demo import names as demo_data
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from pos.paper.cards import print_cards
from pos.paper.cards.layout import QR_BORDER, QR_MODULE, QR_VERSION

CARDS = 1000
# Best of three, the two runs taking turns, so a busy machine slows both alike; the first
# run also warms the font and card background caches.
REPEATS = 3


def build_station(path: Path, households: int) -> None:
    """A station with `households` households in ten villages, each with a card."""
    rng = random.Random(3)
    clock = FixedClock(datetime(2026, 11, 23, 9), timedelta(seconds=1))
    connect(path, create=True)
    with database.atomic():
        county = add_county("451425", "天等县")
        make_local(add_station(clock, county, "451425-03", "龙茗镇爱心超市", "shop"))
        villages = [Place(f"451425101{201 + n}", f"{stem}村", "451425101")
                    for n, stem in enumerate(demo_data.VILLAGE_STEMS[:10])]  # fmt: skip
        add_places([Place("451425101", "龙茗镇")], villages)
        for n in range(households):
            village = villages[n % len(villages)].code
            number = f"{village[6:]}{n // len(villages) + 1:04d}"
            form = HouseholdForm(number, demo_data.person_name(rng),
                                 demo_data.id_number(rng, "451425"), village, "脱贫户")  # fmt: skip
            save(None, clock, form, station="451425-03")
            cards.issue(None, clock, number)


def bare_loop(payloads: list[str]) -> None:
    for payload in payloads:
        code = qrcode.QRCode(version=QR_VERSION, error_correction=qrcode.ERROR_CORRECT_Q,
                             box_size=QR_MODULE, border=QR_BORDER)  # fmt: skip
        code.add_data(payload)
        code.make(fit=False)
        code.make_image()  # qrcode's PIL factory: a 333 × 333 px image


def best(*runs: Callable[[], object]) -> list[float]:
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(REPEATS):
        for run, spent in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def measure(folder: Path) -> dict[str, float]:
    build_station(folder / "bench.sqlite", CARDS)
    out = folder / "cards.pdf"
    payloads = [face.payload for face in faces()]
    assert len(payloads) == CARDS
    baseline, full = best(lambda: bare_loop(payloads), lambda: print_cards(faces(), out))
    close()
    return {
        "cards": CARDS,
        "pages": -(-CARDS // 10),
        "baseline_s": baseline,
        "full_s": full,
        "ratio": full / baseline,
        "ms_per_card": 1000 * full / CARDS,
        "pdf_mb": out.stat().st_size / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "decoded_sample": _decoded_sample(out, set(payloads)),
    }


def _decoded_sample(pdf: Path, payloads: set[str]) -> float:
    """Untimed: the first and last page decode to payloads of the station (cards found)."""
    if not shutil.which("pdftoppm"):
        return float("nan")
    found = 0
    for page in (1, 100):
        stem = pdf.with_name(f"page{page}")
        subprocess.run(["pdftoppm", "-r", "300", "-f", str(page), "-l", str(page), "-png",
                        "-singlefile", pdf, stem], check=True)  # fmt: skip
        codes = zxingcpp.read_barcodes(Image.open(f"{stem}.png"))
        assert {c.text for c in codes} <= payloads
        found += len(codes)
    return found


def report(figures: dict[str, float]) -> str:
    return (
        f"{figures['cards']:.0f} cards, {figures['pages']:.0f} pages: "
        f"{figures['full_s']:.2f} s ({figures['ms_per_card']:.1f} ms a card) against a bare "
        f"qrcode + Pillow loop of {figures['baseline_s']:.2f} s: ratio {figures['ratio']:.2f}. "
        f"PDF {figures['pdf_mb']:.1f} MB, peak RSS {figures['peak_rss_mb']:.0f} MB, "
        f"{figures['decoded_sample']:.0f} codes decoded on the first and last page."
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(Path(folder))
    print(report(figures))
    if not (math.isnan(figures["decoded_sample"]) or figures["decoded_sample"] == 20):
        raise SystemExit("the printed sample did not decode: the figures are void")


if __name__ == "__main__":
    main()
