"""Accounts as a visitor uses them, in a real headless Chromium against `lectern serve` with its real
`auth` function, SQLite file and mail outbox: sign up, confirm the address from the email, sign in,
the signed-in header on a static page, two-step verification turned on and used, signing out; a
forgotten password reset from the email; and the sign-in form used with the keyboard alone.

Run by `make test` after the Swift tests (the binaries must be built): python3 Tests/Browser/test_account.py
"""
import base64
import email
import email.policy
import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_lead_form import BIN, ROOT, chrome, free_port  # noqa: E402

PASSWORD = "correct horse battery staple 42"


def totp(secret, at=None):
    """RFC 6238: HMAC-SHA-1 over the 30-second step, dynamic truncation, 6 digits."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class AccountJourneys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(BIN, "auth")):
            raise unittest.SkipTest("the auth function is not built (swift build --product auth)")
        cls.tmp = tempfile.mkdtemp(prefix="lectern-account-")
        cls.outbox = os.path.join(cls.tmp, "outbox")
        cls.port = free_port()
        # localhost, not 127.0.0.1: the emailed links and the session cookie are for SITE_URL's host.
        cls.base = f"http://localhost:{cls.port}"
        env = dict(os.environ, DATABASE_URL=f"sqlite://{cls.tmp}/db.sqlite", MAIL_OUTBOX=cls.outbox,
                   LECTERN_RATE_LIMIT="off", PASSWORD_HASH_COST="10", LECTERN_DOTENV="/nonexistent")
        cls.log = open(os.path.join(cls.tmp, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [os.path.join(BIN, "lectern"), "serve", "--site", ROOT, "--port", str(cls.port),
             "--dist", os.path.join(cls.tmp, "dist"), "--private-dir", os.path.join(cls.tmp, "private"),
             "--base-url", cls.base],
            cwd=ROOT, env=env, stdout=cls.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(cls.base + "/api/auth/providers", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except Exception:
                pass
            if time.time() > deadline or cls.server.poll() is not None:
                cls.tearDownClass()
                raise RuntimeError("lectern serve (with auth) did not start:\n" + cls.server_log())
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        if cls.server.poll() is None:
            cls.server.terminate()
            try:
                cls.server.wait(15)
            except subprocess.TimeoutExpired:
                cls.server.kill()
        cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def server_log(cls):
        with open(os.path.join(cls.tmp, "serve.log")) as f:
            return f.read()[-4000:]

    def setUp(self):
        self.driver = chrome()
        self.wait = WebDriverWait(self.driver, 15)
        self.used_steps = set()

    def tearDown(self):
        self.driver.quit()

    # ---------- helpers ----------

    def mails(self):
        return sorted(glob.glob(os.path.join(self.outbox, "**", "*.eml"), recursive=True), key=os.path.getmtime)

    def link_from_newest_mail(self, kind, to, after):
        """The `/account/<kind>/?token=` link in the newest message to `to` that came after `after` files."""
        deadline = time.time() + 15
        while time.time() < deadline:
            for path in reversed(self.mails()[after:]):
                with open(path, "rb") as f:
                    message = email.message_from_binary_file(f, policy=email.policy.default)
                if to.lower() not in str(message["To"]).lower():
                    continue
                # Quoted-printable bodies: get_content() decodes them.
                text = " ".join(part.get_content() for part in message.walk()
                                if part.get_content_maintype() == "text")
                match = re.search(r"https?://[^\s\"'<>]+/account/" + kind + r"/\?token=[A-Za-z0-9_\-.%~]+", text)
                if match:
                    return match.group(0)
            time.sleep(0.2)
        self.fail(f"no {kind} link for {to} in {self.outbox}; server log:\n{self.server_log()}")

    def api(self, method, path, body=None):
        request = urllib.request.Request(self.base + "/api/auth" + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status

    def fresh_code(self, secret):
        """A TOTP code of a step no earlier code used: the function accepts each code once."""
        while int(time.time() // 30) in self.used_steps or time.time() % 30 > 27:
            time.sleep(0.5)
        self.used_steps.add(int(time.time() // 30))
        return totp(secret)

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()

    def fill(self, selector, text):
        field = self.driver.find_element(By.CSS_SELECTOR, selector)
        field.clear()
        field.send_keys(text)
        return field

    def submit(self, form_name):
        form = self.driver.find_element(By.CSS_SELECTOR, f'[data-account-form="{form_name}"]')
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        return form

    def status_of(self, form_name):
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-account-form="{form_name}"] [data-account-status]')

    def wait_for_class(self, element, name):
        self.wait.until(lambda d: name in (element.get_attribute("class") or "").split(),
                        f"{element.get_attribute('outerHTML')} never got class {name}")

    def sign_up_and_verify(self, address, name="Ada Lovelace"):
        before = len(self.mails())
        self.driver.get(self.base + "/account/signup/")
        self.fill("#signup-name", name)
        self.fill("#signup-email", address)
        self.fill("#signup-password", PASSWORD)
        self.submit("signup")
        self.wait_for_class(self.status_of("signup"), "is-success")
        self.assertFalse(self.driver.find_element(By.ID, "signup-email").is_displayed())
        link = self.link_from_newest_mail("verify", address, before)
        self.assertTrue(link.startswith(self.base + "/account/verify/?token="), link)
        self.driver.get(link)
        status = self.driver.find_element(By.CSS_SELECTOR, "[data-account-page-status]")
        self.wait_for_class(status, "is-success")
        self.assertNotIn("token=", self.driver.current_url)  # the one-time token leaves the address bar
        self.assertTrue(self.driver.find_element(By.CSS_SELECTOR, "[data-account-verified]").is_displayed())

    def sign_in(self, address, password):
        self.fill("#signin-email", address)
        self.fill("#signin-password", password)
        self.submit("signin")

    def create_account(self, address, name):
        """A confirmed account, made through the API (the journeys above do it through the pages)."""
        before = len(self.mails())
        self.assertEqual(self.api("POST", "/signup", {"email": address, "password": PASSWORD, "name": name}), 202)
        verify = self.link_from_newest_mail("verify", address, before)
        self.assertEqual(self.api("POST", "/verify", {"token": verify.split("token=", 1)[1]}), 200)

    def api_requests(self):
        return self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
            ".filter(p => p.startsWith('/api/'))")

    def header_account_link(self):
        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-lectern-account-link]")))

    # ---------- journeys ----------

    def test_sign_up_verify_sign_in_two_factor_and_sign_out(self):
        address = "ada@example.com"
        self.sign_up_and_verify(address)

        # A static page: "Sign in" in the header, which brings the reader back here afterwards.
        self.driver.get(self.base + "/courses/")
        sign_in = self.driver.find_element(By.CSS_SELECTOR, "[data-lectern-signin]")
        self.assertEqual(sign_in.text, "Sign in")
        self.click(sign_in)
        self.wait.until(EC.url_contains("/account/signin/?return_to=/courses/"))
        self.assertFalse(self.driver.find_element(By.CSS_SELECTOR, "[data-account-providers]").is_displayed())
        self.sign_in(address, PASSWORD)
        self.wait.until(EC.url_to_be(self.base + "/courses/"))
        self.assertEqual(self.driver.get_cookie("lectern_hint")["value"], "1")
        account = self.header_account_link()
        self.assertIn("Ada Lovelace", account.text)
        self.assertTrue(account.get_attribute("href").endswith("/account/"))

        # Two-step verification: password, then the key the page shows, then a code from it.
        self.click(account)
        self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-account-signed-in]")))
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, '[data-account-user="email"]').text, address)
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-account-sessions] li"))
        self.assertIn("This browser", self.driver.find_element(By.CSS_SELECTOR, "[data-account-sessions]").text)
        self.fill("#twofactor-setup-password", PASSWORD)
        self.submit("2fa-setup")
        key = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-account-key]")))
        secret = key.text.replace(" ", "")
        self.assertRegex(secret, r"^[A-Z2-7]{16,}$")
        self.assertTrue(self.driver.find_element(By.CSS_SELECTOR, "[data-account-otpauth]").text.startswith("otpauth://totp/"))
        self.fill("#twofactor-code", self.fresh_code(secret))
        self.submit("2fa-enable")
        codes = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-account-recovery-codes]")))
        self.assertEqual(len(codes.find_elements(By.TAG_NAME, "li")), 10)
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, '[data-account-user="two_factor"]').text, "On")
        self.click(self.driver.find_element(By.CSS_SELECTOR, "[data-account-codes-saved]"))
        self.assertEqual(codes.find_elements(By.TAG_NAME, "li"), [])  # shown once, then gone from the page

        # Sign out: the page and the header say so, and the hint cookie is gone.
        self.click(self.driver.find_element(By.CSS_SELECTOR, "[data-account-signout]"))
        self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-account-signed-out]")))
        self.assertIsNone(self.driver.get_cookie("lectern_hint"))
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "[data-lectern-signin]").text, "Sign in")

        # Signing in again asks for a code, in place, without a reload.
        self.driver.get(self.base + "/account/signin/")
        self.driver.execute_script("window.lecternSamePage = true")
        self.sign_in(address, PASSWORD)
        code = self.wait.until(EC.visibility_of_element_located((By.ID, "signin-code")))
        self.assertEqual(self.driver.switch_to.active_element, code)
        self.assertTrue(self.driver.execute_script("return window.lecternSamePage === true"))
        self.fill("#signin-code", "000000" if totp(secret) != "000000" else "111111")
        self.submit("signin-2fa")
        self.wait.until(lambda d: code.get_attribute("aria-invalid") == "true")
        self.assertTrue(self.status_of("signin-2fa").text)
        self.fill("#signin-code", self.fresh_code(secret))
        self.submit("signin-2fa")
        self.wait.until(EC.url_to_be(self.base + "/account/"))
        self.header_account_link()
        self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-account-user="two_factor"]').text == "On")

    def test_forgotten_password_is_reset_from_the_email(self):
        address = "grace@example.com"
        self.create_account(address, "Grace")

        self.driver.get(self.base + "/account/signin/")
        self.click(self.driver.find_element(By.LINK_TEXT, "Forgot your password?"))
        self.wait.until(EC.url_to_be(self.base + "/account/reset/"))
        before = len(self.mails())
        self.fill("#forgot-email", address)
        self.submit("forgot")
        status = self.driver.find_element(By.CSS_SELECTOR, "[data-account-page-status]")
        self.wait_for_class(status, "is-success")
        link = self.link_from_newest_mail("reset", address, before)
        self.assertTrue(link.startswith(self.base + "/account/reset/?token="), link)

        self.driver.get(link)
        self.assertNotIn("token=", self.driver.current_url)
        new_password = "a brand new passphrase 7"
        self.fill("#reset-password", new_password)
        self.submit("reset")
        self.wait_for_class(self.driver.find_element(By.CSS_SELECTOR, "[data-account-page-status]"), "is-success")
        self.click(self.driver.find_element(By.CSS_SELECTOR, "[data-account-reset-done] a"))

        self.wait.until(EC.url_contains("/account/signin/"))
        self.sign_in(address, PASSWORD)
        password = self.driver.find_element(By.ID, "signin-password")
        self.wait.until(lambda d: password.get_attribute("aria-invalid") == "true")
        self.assertEqual(self.driver.switch_to.active_element, password)
        self.assertTrue(self.status_of("signin").text)
        # Only same-site paths are followed after signing in: anything else goes to the account page.
        self.driver.get(self.base + "/account/signin/?return_to=//example.org/phish/")
        self.sign_in(address, new_password)
        self.wait.until(EC.url_to_be(self.base + "/account/"))
        self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-account-user="email"]').text == address)

    def test_the_account_page_manages_sessions_password_data_and_deletion(self):
        address = "alan@example.com"
        self.create_account(address, "Alan")
        # A second session elsewhere (this script), to be signed out from the page.
        self.assertEqual(self.api("POST", "/signin", {"email": address, "password": PASSWORD}), 200)

        self.driver.get(self.base + "/account/signin/")
        self.sign_in(address, PASSWORD)
        self.wait.until(EC.url_to_be(self.base + "/account/"))
        sessions = self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-account-sessions] li")
                                   if len(d.find_elements(By.CSS_SELECTOR, "[data-account-sessions] li")) == 2 else None)
        other = next(item for item in sessions if "This browser" not in item.text)
        self.click(other.find_element(By.TAG_NAME, "button"))
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-account-sessions] li")) == 1)
        self.assertIn("Signed out of", self.driver.find_element(By.CSS_SELECTOR, "[data-account-sessions-status]").text)

        # Change the password: a wrong current one is marked; the right one works.
        self.fill("#password-current", "not my password")
        self.fill("#password-new", "another long passphrase 9")
        self.submit("password")
        current = self.driver.find_element(By.ID, "password-current")
        self.wait.until(lambda d: current.get_attribute("aria-invalid") == "true")
        self.assertEqual(self.driver.switch_to.active_element, current)
        self.fill("#password-current", PASSWORD)
        self.submit("password")
        self.wait_for_class(self.status_of("password"), "is-success")
        new_password = "another long passphrase 9"

        # Download my data: a JSON file about this account.
        downloads = os.path.join(self.tmp, "downloads")
        os.makedirs(downloads, exist_ok=True)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        self.click(self.driver.find_element(By.CSS_SELECTOR, "[data-account-export]"))
        self.wait_for_class(self.driver.find_element(By.CSS_SELECTOR, "[data-account-export-status]"), "is-success")
        WebDriverWait(self.driver, 15).until(lambda d: [n for n in os.listdir(downloads) if n.endswith(".json")])
        name = next(n for n in os.listdir(downloads) if n.endswith(".json"))
        with open(os.path.join(downloads, name)) as f:
            self.assertEqual(json.load(f)["user"]["email"], address)

        # Delete: the address must be typed; then the account is gone.
        self.fill("#delete-confirm", "someone.else@example.com")
        self.fill("#delete-password", new_password)
        self.submit("delete")
        confirm = self.driver.find_element(By.ID, "delete-confirm")
        self.wait.until(lambda d: confirm.get_attribute("aria-invalid") == "true")
        self.fill("#delete-confirm", address)
        self.submit("delete")
        status = self.driver.find_element(By.CSS_SELECTOR, "[data-account-page-status]")
        self.wait_for_class(status, "is-success")
        self.assertIn("deleted", status.text)
        self.assertIsNone(self.driver.get_cookie("lectern_hint"))
        with self.assertRaises(urllib.error.HTTPError) as refused:
            self.api("POST", "/signin", {"email": address, "password": new_password})
        self.assertEqual(refused.exception.code, 401)

    def test_a_visitor_who_never_signed_in_costs_no_api_call(self):
        self.driver.get(self.base + "/courses/")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "[data-lectern-signin]").text, "Sign in")
        time.sleep(0.5)
        self.assertEqual(self.api_requests(), [])
        # A stale hint (the session ended elsewhere): one question, then the hint is dropped.
        self.driver.add_cookie({"name": "lectern_hint", "value": "1", "path": "/"})
        self.driver.get(self.base + "/courses/")
        self.wait.until(lambda d: d.get_cookie("lectern_hint") is None)
        self.assertEqual(self.api_requests(), ["/api/auth/session"])
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "[data-lectern-signin]").text, "Sign in")

    def test_a_provider_sign_in_that_came_back_refused_is_explained(self):
        self.driver.get(self.base + "/account/signin/?return_to=/courses/&error=provider_cancelled")
        status = self.status_of("signin")
        self.wait.until(lambda d: "cancelled" in status.text)
        self.assertEqual(self.driver.switch_to.active_element, status)
        # Shown once: a reload would not repeat it, and return_to still applies.
        self.assertTrue(self.driver.current_url.endswith("/account/signin/?return_to=%2Fcourses%2F"), self.driver.current_url)

    def test_sign_in_form_works_by_keyboard_and_announces_errors(self):
        self.driver.get(self.base + "/account/signin/")
        # Every field has a label.
        unlabelled = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('main input')).filter(i => !i.labels.length).map(i => i.outerHTML)")
        self.assertEqual(unlabelled, [])
        keys = ActionChains(self.driver)
        for _ in range(40):
            if self.driver.switch_to.active_element.get_attribute("id") == "signin-email":
                break
            keys.send_keys(Keys.TAB).perform()
        else:
            self.fail("the email field cannot be reached with Tab")

        # Enter with nothing typed: the browser's own check, announced and focused on the field.
        keys.send_keys(Keys.ENTER).perform()
        status = self.status_of("signin")
        self.wait.until(lambda d: status.text)
        self.assertEqual(status.get_attribute("aria-live"), "polite")
        email_field = self.driver.find_element(By.ID, "signin-email")
        self.assertEqual(email_field.get_attribute("aria-invalid"), "true")
        self.assertEqual(self.driver.switch_to.active_element, email_field)
        error = self.driver.find_element(By.ID, "signin-email-error")
        self.assertTrue(error.is_displayed() and error.text)
        self.assertIn("signin-email-error", email_field.get_attribute("aria-describedby"))

        # A wrong password, typed and sent with keys: the server's answer is announced beside the field.
        keys.send_keys("nobody@example.com").send_keys(Keys.TAB).send_keys("not the password").send_keys(Keys.ENTER).perform()
        password = self.driver.find_element(By.ID, "signin-password")
        self.wait.until(lambda d: password.get_attribute("aria-invalid") == "true")
        self.assertEqual(self.driver.switch_to.active_element, password)
        self.assertIsNone(email_field.get_attribute("aria-invalid"))
        self.assertTrue(status.text and status.text != "Sending…")
        self.assertTrue(self.driver.current_url.endswith("/account/signin/"))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
