"""What the journey tests share: `lectern serve` with every function on one SQLite file in a
temporary folder, accounts made through the auth API and the emailed link, and sign-in in the
browser. Not a test itself (the runner picks up `test_*.py`)."""
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from test_account import PASSWORD
from test_lead_form import BIN, ROOT, free_port

NAME = "Ada Lovelace"


class ServedSite:
    """One `lectern serve` process; `extra_env` adds settings (a provider, Stripe)."""

    def __init__(self, functions, extra_env=None, tmp=None):
        for name in functions:
            if not os.path.exists(os.path.join(BIN, name)):
                raise RuntimeError(f"the {name} function is not built (swift build --product {name})")
        self.owns_tmp = tmp is None
        self.tmp = tmp or tempfile.mkdtemp(prefix="lectern-journey-")
        self.outbox = os.path.join(self.tmp, "outbox")
        self.private = os.path.join(self.tmp, "private")
        self.database = f"sqlite://{self.tmp}/db.sqlite"
        self.port = free_port()
        # localhost, not 127.0.0.1: the emailed links and the session cookie are for SITE_URL's host.
        self.base = f"http://localhost:{self.port}"
        self.env = dict(os.environ, DATABASE_URL=self.database, MAIL_OUTBOX=self.outbox, LECTERN_RATE_LIMIT="off",
                        PASSWORD_HASH_COST="10", LECTERN_DOTENV="/nonexistent", **(extra_env or {}))
        for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "STRIPE_SECRET_KEY"):
            if name not in (extra_env or {}):
                self.env.pop(name, None)
        self.log_path = os.path.join(self.tmp, f"serve-{self.port}.log")
        self.log = open(self.log_path, "w")
        self.server = subprocess.Popen(
            [os.path.join(BIN, "lectern"), "serve", "--site", ROOT, "--port", str(self.port),
             "--dist", os.path.join(self.tmp, "dist"), "--private-dir", self.private, "--base-url", self.base],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 90
        while not self.ready(functions):
            if time.time() > deadline or self.server.poll() is not None:
                self.stop()
                raise RuntimeError("lectern serve did not start:\n" + self.server_log())
            time.sleep(0.2)

    def ready(self, functions):
        """Every function answers with its own JSON (the router's 503 means it is still starting)."""
        probes = {"auth": "/api/auth/providers", "generate": "/api/generate/history",
                  "payments": "/api/payments/portal", "progress": "/api/progress/certificates/none"}
        for name in functions:
            path = probes.get(name)
            if not path:
                continue
            try:
                request = urllib.request.Request(self.base + path, method="POST" if name == "payments" else "GET")
                urllib.request.urlopen(request, timeout=2)
            except urllib.error.HTTPError as error:
                if error.code == 503 and b"function_unavailable" in error.read():
                    return False
                if error.code >= 500:
                    return False
            except Exception:
                return False
        return True

    def stop(self):
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(15)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self.log.close()
        if self.owns_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def server_log(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]

    def manifest(self):
        with open(os.path.join(self.private, "manifest.json")) as f:
            return json.load(f)

    def lectern(self, *arguments):
        """Runs the CLI against the server's database and site."""
        result = subprocess.run([os.path.join(BIN, "lectern"), *arguments, "--site", ROOT, "--database-url", self.database],
                                cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError(result.stdout + result.stderr)
        return result.stdout

    def post_json(self, path, body):
        request = urllib.request.Request(self.base + path, method="POST", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status

    def create_account(self, address):
        """A confirmed account, made through the auth API and the emailed link."""
        before = set(glob.glob(os.path.join(self.outbox, "**", "*.eml"), recursive=True))
        self.post_json("/api/auth/signup", {"email": address, "password": PASSWORD, "name": NAME})
        deadline = time.time() + 15
        while time.time() < deadline:
            for path in set(glob.glob(os.path.join(self.outbox, "**", "*.eml"), recursive=True)) - before:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace").replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
                if address in text and "token=" in text:
                    token = text.split("/account/verify/?token=", 1)[1].split()[0].strip("\"'<>")
                    self.post_json("/api/auth/verify", {"token": token})
                    return
            time.sleep(0.2)
        raise AssertionError("no verification email for " + address)

    def fill_sign_in(self, driver, address):
        """Fills and sends the sign-in form already open in the browser."""
        for selector, text in (("#signin-email", address), ("#signin-password", PASSWORD)):
            field = driver.find_element(By.CSS_SELECTOR, selector)
            field.clear()
            field.send_keys(text)
        button = driver.find_element(By.CSS_SELECTOR, '[data-account-form="signin"] button[type=submit]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
        button.click()

    def sign_in(self, driver, wait, address, return_to):
        driver.get(self.base + "/account/signin/?return_to=" + return_to)
        self.fill_sign_in(driver, address)
        wait.until(EC.url_to_be(self.base + return_to))
