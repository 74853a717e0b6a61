"""The HTML report in a real headless browser: Debian's chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from portcheck.reporters import html
from tests.regen_gold import IMG_ONERROR, SCRIPT_CLOSE, synthetic_document

CHROMIUM = os.environ.get("PORTCHECK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BIG = 20_000

from playwright import sync_api  # noqa: E402 - a test extra: `pip install -e '.[test]'`


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():  # a missing browser fails the check: it is never silently skipped
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium; .ci/run does it)",
                    pytrace=False)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def doc():
    return synthetic_document()


@pytest.fixture(scope="module")
def report(doc, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(html.render(doc, strict=True), encoding="utf-8")
    return path


class Watched:
    """A page whose console errors, page errors, dialogs and non-file requests are recorded."""

    def __init__(self, browser, **kw):
        self.problems: list[str] = []
        self.page = browser.new_page(viewport={"width": 1440, "height": 900}, **kw)
        self.page.route("**/*", self._guard)
        self.page.on("console", lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", self._dialog)

    def _guard(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.problems.append(f"network: {route.request.url}")
            route.abort()

    def _dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path, fragment: str = ""):
        self.page.goto(path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
        self.page.wait_for_selector("html[data-ready]")
        return self.page

    def close(self):
        self.page.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()
    assert w.problems == []


def costliest_first(doc) -> list[str]:
    """Finding ids in the table's default order: by the file's largest cost on any backend, then location."""
    from portcheck.reporters import viewmodel as vm

    cost = {r["path"]: r["max"] for r in vm.file_costs(doc)}
    return [f["id"] for f in sorted(doc["findings"], key=lambda f: -cost.get(f["path"], 0.0))]  # stable sort


def row_ids(page) -> list[str]:
    return page.eval_on_selector_all("#fbody tr[id]", "rows => rows.map(r => r.id.slice(8))")


def ids_where(doc, pred) -> list[str]:
    """Ids of the findings pred keeps, in the table's default order (costliest file first)."""
    by_id = {f["id"]: f for f in doc["findings"]}
    return [i for i in costliest_first(doc) if pred(by_id[i])]


def status(f, backend):
    return (f["verdicts"].get(backend) or {}).get("status")


def test_loads_offline_without_errors_and_shows_every_finding(watched, report, doc):
    page = watched.open(report)
    assert page.get_attribute("html", "data-ready") == "22"
    assert row_ids(page) == costliest_first(doc)  # default order: the costliest file first, then line, column
    assert page.inner_text("#count") == "Showing 1–22 of 22 findings"
    assert page.inner_text("#answer").startswith("Cheapest port: Moore Threads MUSA, a working port in about "
                                                 "10.4 person-days (62.1 h")


def test_filters_change_the_visible_rows(watched, report, doc):
    page = watched.open(report)
    page.select_option("#f-backend", "musa")
    page.select_option("#f-status", "missing")
    assert row_ids(page) == ids_where(doc, lambda f: status(f, "musa") == "missing")
    assert page.eval_on_selector_all("#fhead th", "ths => ths.map(t => t.textContent)") == \
        ["location", "code", "symbol", "musa"]
    page.select_option("#f-backend", "")
    assert row_ids(page) == ids_where(doc, lambda f: "missing" in {status(f, b) for b in ("cann", "musa", "neuware")})
    page.click("#reset")
    page.select_option("#f-family", "kernel.warp")
    assert row_ids(page) == ids_where(doc, lambda f: f["family"] == "kernel.warp")
    page.click("#reset")
    page.fill("#q", "cudamemcpy")
    sync_api.expect(page.locator("#fbody tr")).to_have_count(1)  # the search input is debounced
    assert row_ids(page) == ids_where(doc, lambda f: f["symbol"] == "cudaMemcpy")
    page.click("#reset")
    page.fill("#f-file", "train.py")
    page.dispatch_event("#f-file", "change")
    assert row_ids(page) == ids_where(doc, lambda f: f["path"] == "train.py")
    assert page.inner_text("#count") == "Showing 1–7 of 7 matching findings (of 22)"


def test_sorting_reorders_rows(watched, report, doc):
    page = watched.open(report)
    page.click("#fhead th:nth-child(1) button")  # from the cost order to location order: file, line, column
    assert row_ids(page) == [f["id"] for f in doc["findings"]]
    page.click("#fhead th:nth-child(1) button")  # location, now descending
    assert row_ids(page) == [f["id"] for f in reversed(doc["findings"])]
    page.click("#fhead th:nth-child(4) button")  # cann: worst status first
    order = ["rename", "adapt", "partial", "missing", "unknown"]
    shown = page.eval_on_selector_all("#fbody tr td:nth-child(4) .badge", "bs => bs.map(b => b.textContent)")
    assert len(shown) == 22 and shown == sorted(shown, key=order.index, reverse=True)
    assert page.get_attribute("#fhead th:nth-child(4)", "aria-sort") == "descending"
    page.click("#fhead th:nth-child(3) button")  # symbol, ascending
    syms = page.eval_on_selector_all("#fbody tr td:nth-child(3) > code", "cs => cs.map(c => c.textContent)")
    assert syms == sorted(f["symbol"] for f in doc["findings"])


def test_deep_link_to_a_finding_and_a_file(watched, report, doc):
    target = [f for f in doc["findings"] if f["path"] == "utils.py"][0]
    page = watched.open(report, f"finding-{target['id']}")
    row = page.locator(f"#finding-{target['id']}")
    assert row.get_attribute("class") == "hl"
    assert row.is_visible() and row.evaluate("r => { const b = r.getBoundingClientRect(); "
                                             "return b.top >= 0 && b.bottom <= innerHeight; }")
    page.click("#where a.file >> text=csrc/ops.cu")
    assert row_ids(page) == ids_where(doc, lambda f: f["path"] == "csrc/ops.cu")
    assert page.inner_text("#file-panel h3") == "csrc/ops.cu"
    assert "kernel scale_kernel at line 10, 9 lines: atomics, full-lane-mask, warp-intrinsics, warp-size-32" in \
        page.inner_text("#file-panel")
    cann = page.eval_on_selector_all("#file-panel tr:nth-child(2) td", "tds => tds.map(t => t.textContent)")
    assert cann == ["cann", "4.0", "0", "2", "0", "6", "0"]  # working port: two kernel units on composites


def test_hostile_snippets_show_as_text(watched, report):
    page = watched.open(report)
    codes = page.eval_on_selector_all("#fbody td.code code", "cs => cs.map(c => c.textContent)")
    assert f"torch.cuda.synchronize()  # {SCRIPT_CLOSE}" in codes
    assert f"torch.cuda.empty_cache()  # {IMG_ONERROR} | pipe `tick` ``two``" in codes
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("window.pwned === undefined")


def test_screenshot_is_saved(browser, report, tmp_path):
    w = Watched(browser)
    w.open(report)
    shot = tmp_path / "report.png"
    w.page.screenshot(path=str(shot), full_page=True)
    w.close()
    assert w.problems == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000


def test_dark_mode_and_print(browser, report):
    w = Watched(browser, color_scheme="dark")
    page = w.open(report)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    w.close()
    assert w.problems == []


def test_twenty_thousand_findings_load_filter_and_sort(browser, tmp_path):
    big = synthetic_document(extra=BIG)
    path = tmp_path / "big.html"
    path.write_text(html.render(big), encoding="utf-8")
    w = Watched(browser)
    page = w.open(path)
    total = len(big["findings"])
    assert page.get_attribute("html", "data-ready") == str(total)
    assert page.locator("#fbody tr").count() == 100  # one page of rows in the DOM, not 20,000
    page.select_option("#f-backend", "cann")
    page.select_option("#f-status", "unknown")
    expected = ids_where(big, lambda f: status(f, "cann") == "unknown")
    assert page.inner_text("#count") == f"Showing 1–100 of {len(expected):,} matching findings (of {total:,})"
    assert row_ids(page) == expected[:100]
    by_location = [f["id"] for f in big["findings"] if status(f, "cann") == "unknown"]
    page.click("#fhead th:nth-child(1) button")  # location order
    assert row_ids(page) == by_location[:100]
    page.click("#fhead th:nth-child(1) button")  # and reversed
    assert row_ids(page) == by_location[::-1][:100]
    last = big["findings"][-1]["id"]
    page.click("#reset")
    page.evaluate(f"location.hash = 'finding-{last}'")
    page.wait_for_selector(f"#finding-{last}.hl")
    assert re.match(r"^page \d+ of \d+$", page.inner_text(".pageno"))
    w.close()
    assert w.problems == []


# ------------------------------------------------------------ issue 16: "where" by file and by symbol, phones
@pytest.fixture(scope="module")
def real_report(tmp_path_factory) -> tuple[dict, Path]:
    """A real scan of the example project (kernels, packages, build files) as an HTML page."""
    from tests.regen_gold import scan_document

    doc = scan_document(Path(__file__).resolve().parent.parent / "examples" / "ddp_cuda_demo")
    path = tmp_path_factory.mktemp("real") / "report.html"
    path.write_text(html.render(doc, strict=True), encoding="utf-8")
    return doc, path


def test_where_lists_every_file_costliest_first_with_a_cost(watched, real_report):
    from portcheck.reporters import viewmodel as vm

    doc, path = real_report
    page = watched.open(path)
    rows = page.eval_on_selector_all("#where table.files tbody tr", "trs => trs.map(tr => "
                                     "Array.from(tr.cells).slice(0, 5).map(td => td.textContent.trim()))")
    files = [f["path"] for f in doc["files"] if f["findings"] or f["suppressed"]]
    assert sorted(r[0] for r in rows) == sorted(files)  # every file with CUDA ties, none left out
    costs = {r["path"]: r for r in vm.file_costs(doc)}
    assert [r[0] for r in rows] == [r["path"] for r in vm.file_costs(doc)]
    maxima = [costs[r[0]]["max"] for r in rows]
    assert maxima == sorted(maxima, reverse=True) and maxima[0] > 0  # costliest first
    for r in rows:  # a figure in every cost cell: the hours, or "≤ x" below the listed files
        assert all(re.fullmatch(r"(≤ )?\d[\d,]*(\.\d+)?", c) for c in r[2:5]), r
        top = {f["path"]: f["hours"] for f in doc["effort"]["cann"]["top_files"]}
        if r[0] in top:
            assert r[2] == vm.hours(top[r[0]])


def test_porting_plan_has_one_row_per_symbol_with_each_note_once(watched, real_report):
    doc, path = real_report
    page = watched.open(path)
    syms = page.eval_on_selector_all("#where table.plan tbody tr td:first-child code",
                                     "cs => cs.map(c => c.textContent)")
    assert sorted(syms) == sorted({f["symbol"] for f in doc["findings"]})
    uses = page.eval_on_selector_all("#where table.plan tbody tr td:nth-child(2) a", "as => as.map(a => a.textContent)")
    count = {s: sum(1 for f in doc["findings"] if f["symbol"] == s) for s in syms}
    assert [int(u) for u in uses] == [count[s] for s in syms]
    # the worst first: the first symbol has no equivalent (missing or unknown) on some backend
    first = next(f for f in doc["findings"] if f["symbol"] == syms[0])
    assert {v["status"] for v in first["verdicts"].values()} & {"missing", "unknown"}
    # notes: once per symbol in the plan, never repeated in the findings rows
    assert page.locator("#fbody .note").count() == 0
    note = next(v["note"] for f in doc["findings"] for v in f["verdicts"].values() if v.get("note"))
    assert page.locator("#where table.plan .note", has_text=note).count() >= 1
    # a symbol's uses link filters the findings table to it
    page.click("#where table.plan tbody tr:first-child td:nth-child(2) a")
    assert page.input_value("#q") == syms[0]
    assert set(f["id"] for f in doc["findings"] if f["symbol"] == syms[0]) <= set(row_ids(page))


def test_symbols_break_only_at_separators(watched, real_report):
    _, path = real_report
    page = watched.open(path)
    parts = page.evaluate("""() => Array.from(document.querySelectorAll('#fbody code.symc')).map(c =>
        Array.from(c.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent))""")
    dotted = [p for p in parts if len(p) > 1]
    assert dotted, "no multi-part symbol on the first page"
    for p in dotted:
        assert all(part.endswith((".", "::", "/", "_")) for part in p[:-1]), p


@pytest.mark.parametrize("width", [1440, 390])
def test_page_never_overflows_sideways(browser, real_report, report, width, tmp_path):
    for path in (real_report[1], report):
        w = Watched(browser)
        w.page.set_viewport_size({"width": width, "height": 900})
        page = w.open(path)
        sizes = page.evaluate("""() => ({page: document.documentElement.scrollWidth,
            view: document.documentElement.clientWidth,
            tables: Array.from(document.querySelectorAll('main table')).filter(t => !t.closest('.tablewrap')
                && getComputedStyle(t).display !== 'block').map(t => Math.ceil(t.getBoundingClientRect().right))})""")
        assert sizes["page"] <= width and sizes["view"] <= width, sizes
        assert all(r <= sizes["view"] for r in sizes["tables"]), sizes
        shot = tmp_path / f"report-{width}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        w.close()
        assert w.problems == []
