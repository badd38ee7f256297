"""`lectern serve --watch` as an author uses it, in a real headless Chromium: saving a Markdown
file rebuilds the site and the open tab reloads by itself; a broken file shows the error (file and
line) in the tab instead of stopping the server, and fixing it brings the page back.

Run by `make test` after the Swift tests: python3 Tests/Browser/test_live_reload.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_lead_form import BIN, chrome, free_port  # noqa: E402


class LiveReloadJourney(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lectern-watch-")
        self.site = os.path.join(self.tmp, "site")
        subprocess.run([os.path.join(BIN, "lectern"), "new", self.site], check=True, capture_output=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.tmp, "serve.log"), "w")
        self.server = subprocess.Popen(
            [os.path.join(BIN, "lectern"), "serve", "--watch", "--no-functions", "--site", self.site,
             "--port", str(self.port), "--base-url", self.base],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                break
            except Exception:
                if time.time() > deadline or self.server.poll() is not None:
                    with open(self.log.name) as f:
                        raise RuntimeError("lectern serve --watch did not start:\n" + f.read())
                time.sleep(0.2)
        self.driver = chrome()

    def tearDown(self):
        self.driver.quit()
        self.server.terminate()
        try:
            self.server.wait(15)
        except subprocess.TimeoutExpired:
            self.server.kill()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, relative, text):
        path = os.path.join(self.site, relative)
        with open(path, "w") as f:
            f.write(text)
        # Make sure the watcher sees a new modification time even within one clock tick.
        stamp = time.time() + 1
        os.utime(path, (stamp, stamp))

    def test_saving_reloads_the_open_tab_and_errors_show_in_it(self):
        self.driver.get(self.base + "/")
        # Mark this document: if the tab reloads, the mark is gone.
        self.driver.execute_script("window.__notReloaded = true")
        home = "content/_index.md"
        with open(os.path.join(self.site, home)) as f:
            original = f.read()

        self.write(home, original + "\n\nFresh paragraph from the author.\n")
        WebDriverWait(self.driver, 20).until(lambda d: "Fresh paragraph from the author." in d.page_source)
        self.assertIsNone(self.driver.execute_script("return window.__notReloaded"))

        self.write(home, "---\ntitle: [unclosed\n---\nBroken.\n")
        WebDriverWait(self.driver, 20).until(lambda d: "did not build" in d.page_source)
        self.assertIn("_index.md", self.driver.page_source)
        self.assertIsNone(self.server.poll(), "the server stopped on a build error")

        self.write(home, original + "\n\nBack again.\n")
        WebDriverWait(self.driver, 20).until(lambda d: "Back again." in d.page_source)
        self.assertNotIn("did not build", self.driver.page_source)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
