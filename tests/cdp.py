"""A minimal Chromium DevTools Protocol driver for browser tests: open a page at a given viewport,
wait until it has loaded and its scripts settled, evaluate expressions, take screenshots.

Headless Chromium is started with --remote-debugging-port=0 (it writes the chosen port to
DevToolsActivePort in its profile); everything stays on 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         "--lang=nb-NO", "--accept-lang=nb-NO,nb"]  # a Norwegian reader: the pages answer in Bokmål


class Browser:
    def __init__(self, profile: Path):
        self.proc = subprocess.Popen(["chromium", *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        deadline = time.monotonic() + 10
        while True:
            try:
                targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2).read())
                page = next(t for t in targets if t.get("type") == "page")
                break
            except (OSError, StopIteration):
                if time.monotonic() > deadline:
                    self.close()
                    raise
                time.sleep(0.1)
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024, open_timeout=10, legacy=True)
        self._id = 0

    def send(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def eval(self, expression: str):
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def open(self, url: str, width: int, height: int = 900, settle: str = "true", timeout: float = 30,
             keep_cookies: bool = False) -> None:
        """Navigate at the given viewport; wait for load and until `settle` (a JS expression) is true.
        Each open is a fresh reader (the language switch's cookie is dropped) unless keep_cookies."""
        if not keep_cookies:
            self.send("Network.clearBrowserCookies")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.eval(f"document.readyState === 'complete' && location.href === {json.dumps(url)} && !!({settle})"):
                    return
            except RuntimeError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not settle ({settle})")
            time.sleep(0.1)

    def wait_for(self, expression: str, timeout: float = 20) -> None:
        """Until `expression` is true (retried across navigations, which interrupt evaluation)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.eval(expression):
                    return
            except RuntimeError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"not true after {timeout:g} s: {expression}")
            time.sleep(0.1)

    def overflow_x(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
        return self.eval("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")

    def screenshot(self, path: Path, full: bool = True) -> None:
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))

    def axe(self, script: Path, tags: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
        """Inject axe-core (its axe.min.js, sent over DevTools: the page's CSP does not apply to
        Runtime.evaluate) and run it on the open page; returns the violations as [{id, impact, help, nodes}]."""
        self.eval(script.read_text(encoding="utf-8"))
        return self.eval("axe.run(document, {runOnly: {type: 'tag', values: %s}}).then(r => r.violations.map(v => "
                         "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' "
                         "')).slice(0, 5)})))"
                         % json.dumps(list(tags)))

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
