"""Browser fixtures: a headless Chromium and Voila servers on 127.0.0.1.

The browser is Debian's Chromium (``/usr/bin/chromium``) or the executable
named by ``LOSSVIZ_CHROMIUM``, driven by Playwright; it is never downloaded.
On a machine without one these tests skip with the reason, except under
``CI=true``, where a missing browser is a failure. A failing test leaves a
screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

NOTEBOOKS = Path(__file__).parent / "notebooks"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Software WebGL, so ipyvolume draws without a GPU.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    # The page itself composited on the processor, as on a machine whose GPU
    # Chromium does not use: compositing through software WebGL made each
    # frame take 100 ms or more.
    "--disable-gpu-compositing",
]
# Console noise that is not ours: version notes from the front end's module
# federation and the kernel's own resource lookups.
HARMLESS = re.compile(
    r"Unsatisfied version|No satisfying version|ERR_NAME_NOT_RESOLVED"
    r"|Failed to load resource|favicon"
)


def chromium_path() -> str | None:
    """The Chromium executable to use, or ``None`` if there is none."""
    named = os.environ.get("LOSSVIZ_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """A headless Chromium, shared by the browser tests.

    Playwright's synchronous API keeps an asyncio loop marked as running
    while it is open, which code that defers work to a running loop would
    see; closing it with this package keeps it away from the other tests.
    """
    executable = chromium_path()
    if executable is None:
        reason = "no Chromium: install Debian's chromium or set LOSSVIZ_CHROMIUM"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Poll ``url`` until it answers, or fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.2)
    process.kill()
    output = process.stdout.read() if process.stdout else ""
    pytest.fail(f"Voila did not start on {url}:\n{output}")


class Server:
    """A running Voila server: its address, and a way to stop it early."""

    def __init__(self, url: str, process: subprocess.Popen) -> None:
        self.url = url
        self.process = process

    def stop(self) -> None:
        """Stop the server and its kernel."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextlib.contextmanager
def _serve(
    command: list[str], url: str, folder: Path, timeout: float
) -> Iterator[Server]:
    """Run a server command in ``folder`` until ``url`` answers; stop it after."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder
    )
    server = Server(url, process)
    try:
        _wait_until_serving(server.url, process, timeout)
        yield server
    finally:
        server.stop()


def serve_voila(
    notebook: Path, timeout: float = 60.0
) -> contextlib.AbstractContextManager[Server]:
    """Serve ``notebook`` with Voila on 127.0.0.1 and yield the server."""
    port = _free_port()
    command = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser",
        f"--port={port}", "--Voila.ip=127.0.0.1",
    ]  # fmt: skip
    return _serve(command, f"http://127.0.0.1:{port}/", notebook.parent, timeout)


def serve_lab(
    folder: Path, timeout: float = 90.0
) -> contextlib.AbstractContextManager[Server]:
    """Serve JupyterLab on 127.0.0.1 over ``folder``, without a token.

    Settings and workspaces are kept in ``folder`` too, so nothing is
    written to the home directory.
    """
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None",
        f"--LabApp.user_settings_dir={folder / '.settings'}",
        f"--LabApp.workspaces_dir={folder / '.workspaces'}",
    ]  # fmt: skip
    return _serve(command, f"http://127.0.0.1:{port}/lab", folder, timeout)


class Page:
    """A browser tab on a Voila page, with its console errors collected."""

    def __init__(self, page: object, server: Server) -> None:
        self.page = page
        self.server = server
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: object) -> None:
        if message.type == "error" and not HARMLESS.search(message.text):
            self.errors.append(message.text)

    def assert_no_widget_errors(self) -> None:
        """Fail if a widget did not display or the console logged an error."""
        assert self.page.locator("text=Error displaying widget").count() == 0
        assert self.errors == []

    def contrast(self, locator: object | None = None) -> float:
        """Return the spread of grey levels of a screenshot: 0 means blank."""
        png = (locator or self.page).screenshot()
        grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
        return float(grey.std())


@pytest.fixture
def open_lab(browser, request, tmp_path) -> Iterator[object]:
    """Open a copy of a notebook of ``notebooks/`` in JupyterLab; yield a Page."""
    stack = contextlib.ExitStack()

    def opener(name: str, *, width: int = 1600, height: int = 1200) -> Page:
        shutil.copy(Path(__file__).parents[2] / "notebooks" / name, tmp_path / name)
        server = stack.enter_context(serve_lab(tmp_path))
        context = browser.new_context(viewport={"width": width, "height": height})
        stack.callback(context.close)
        tab = Page(context.new_page(), server)
        tab.page.goto(f"{server.url}/tree/{name}", timeout=120_000)
        request.node.lossviz_page = tab.page
        return tab

    with stack:
        yield opener


@pytest.fixture
def open_voila(browser, request) -> Iterator[object]:
    """Open a notebook of ``tests/browser/notebooks`` in Voila; yield a Page."""
    stack = contextlib.ExitStack()

    def opener(name: str, *, width: int = 1400, height: int = 1000) -> Page:
        server = stack.enter_context(serve_voila(NOTEBOOKS / name))
        context = browser.new_context(viewport={"width": width, "height": height})
        stack.callback(context.close)
        tab = Page(context.new_page(), server)
        tab.page.goto(server.url, timeout=120_000)
        request.node.lossviz_page = tab.page
        return tab

    with stack:
        yield opener


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of the page of every failing browser test."""
    report = yield
    page = getattr(item, "lossviz_page", None)
    if report.failed and page is not None and call.when == "call":
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.nodeid)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return report
