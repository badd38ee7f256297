"""The newsletter form as a visitor uses it, in a real headless Chromium against `lectern serve`
with its real `leads` function and SQLite file: with JavaScript (fetch, inline messages, field
errors) and without (a plain form post and a 303 back to the page).

Run by `make test` after the Swift tests (the binaries must be built): python3 Tests/Browser/test_lead_form.py
"""
import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("LECTERN_BIN_DIR") or subprocess.run(
    ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chrome(javascript=True):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver_path), options=options)


class LeadFormJourney(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lectern-browser-")
        cls.database = f"sqlite://{cls.tmp}/leads.sqlite"
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        env = dict(os.environ, DATABASE_URL=cls.database, LECTERN_RATE_LIMIT="off", LECTERN_DOTENV="/nonexistent")
        cls.log = open(os.path.join(cls.tmp, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [os.path.join(BIN, "lectern"), "serve", "--site", ROOT, "--port", str(cls.port),
             "--dist", os.path.join(cls.tmp, "dist"), "--private-dir", os.path.join(cls.tmp, "private"),
             "--base-url", cls.base],
            cwd=ROOT, env=env, stdout=cls.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(cls.base + "/", timeout=2)
                break
            except Exception:
                if time.time() > deadline or cls.server.poll() is not None:
                    cls.tearDownClass()
                    raise RuntimeError("lectern serve did not start:\n" + open(os.path.join(cls.tmp, "serve.log")).read())
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

    def setUp(self):
        self.driver = None
        self.javascript = True

    def tearDown(self):
        if self.driver:
            self.driver.quit()

    def leads(self):
        out = subprocess.run([os.path.join(BIN, "lectern"), "leads", "export", "--database-url", self.database],
                             capture_output=True, text=True, check=True).stdout
        return {row["email"]: row for row in csv.DictReader(io.StringIO(out))}

    def click(self, element):
        if self.javascript:
            # Centre it first (no smooth scrolling): a click mid-scroll lands elsewhere.
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
            element.click()
        else:
            # Without scripts WebDriver cannot scroll for us; the keyboard works everywhere.
            element.send_keys(Keys.SPACE if element.get_attribute("type") == "checkbox" else Keys.ENTER)

    def fill(self, form, email, name=None, consent=True):
        field = form.find_element(By.NAME, "email")
        field.clear()
        field.send_keys(email)
        if name is not None:
            form.find_element(By.NAME, "name").send_keys(name)
        box = form.find_element(By.NAME, "consent")
        if box.is_selected() != consent:
            self.click(box)
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def test_subscribing_with_javascript_shows_the_result_inline(self):
        self.driver = chrome()
        self.driver.get(self.base + "/")
        form = self.driver.find_element(By.CSS_SELECTOR, "main form[data-lead-form]")
        status = form.find_element(By.CSS_SELECTOR, "[data-lead-status]")
        self.fill(form, "reader@example.com", name="Rea Der")
        WebDriverWait(self.driver, 10).until(lambda d: "on the list" in status.text)
        self.assertEqual(self.driver.current_url.rstrip("/"), self.base)  # no navigation: fetch did it
        stored = self.leads()["reader@example.com"]
        self.assertEqual(stored["name"], "Rea Der")
        self.assertEqual(stored["source"], "/")

        # The same address again is merged, and the page says so.
        self.driver.get(self.base + "/")
        form = self.driver.find_element(By.CSS_SELECTOR, "main form[data-lead-form]")
        status = form.find_element(By.CSS_SELECTOR, "[data-lead-status]")
        self.fill(form, "READER@example.com")
        WebDriverWait(self.driver, 10).until(lambda d: "already" in status.text.lower())
        self.assertEqual(self.leads()["reader@example.com"]["submissions"], "2")

    def test_a_rejected_address_marks_the_field(self):
        self.driver = chrome()
        self.driver.get(self.base + "/")
        form = self.driver.find_element(By.CSS_SELECTOR, "main form[data-lead-form]")
        # Valid for the browser's type=email check, refused by the server (no top-level domain).
        self.fill(form, "someone@localhost")
        email = form.find_element(By.NAME, "email")
        WebDriverWait(self.driver, 10).until(lambda d: email.get_attribute("aria-invalid") == "true")
        self.assertEqual(self.driver.switch_to.active_element, email)
        self.assertIn("email address", form.find_element(By.CSS_SELECTOR, "[data-lead-status]").text.lower())
        self.assertNotIn("someone@localhost", self.leads())

    def test_without_javascript_the_form_posts_and_comes_back(self):
        self.driver = chrome(javascript=False)
        self.javascript = False
        self.driver.get(self.base + "/about/")
        form = self.driver.find_element(By.CSS_SELECTOR, "form[data-lead-form]")
        self.fill(form, "nojs@example.com")
        WebDriverWait(self.driver, 10).until(EC.url_contains("lead=ok"))
        self.assertTrue(self.driver.current_url.startswith(self.base + "/about/"))
        self.assertEqual(self.leads()["nojs@example.com"]["source"], "/about/")

    def test_a_quiz_shows_questions_but_no_answers(self):
        # The quiz lives in the page, which holds nothing that grades it; grading needs an account,
        # so a signed-out reader checking answers is asked to sign in (and come back).
        self.driver = chrome()
        self.driver.get(self.base + "/courses/ai-marketing/foundations/how-llms-write/")
        form = self.driver.find_element(By.CSS_SELECTOR, "form[data-quiz]")
        self.assertEqual(len(form.find_elements(By.CSS_SELECTOR, "[data-question]")), 5)
        self.assertNotIn("Right. Context changes", self.driver.page_source)
        self.click(form.find_element(By.CSS_SELECTOR, "[data-question=why-generic] input[value=a]"))
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        status = form.find_element(By.CSS_SELECTOR, "[data-quiz-status]")
        WebDriverWait(self.driver, 10).until(lambda d: "Sign in" in status.text)
        link = status.find_element(By.TAG_NAME, "a")
        self.assertEqual(link.get_attribute("href"),
                         self.base + "/account/signin/?return_to=/courses/ai-marketing/foundations/how-llms-write/")

    def test_a_copy_template_is_a_form_without_its_prompt(self):
        # Generating needs an account: a signed-out visitor is offered sign-in (coming back to the
        # template), the page does not reload and nothing is posted.
        self.driver = chrome()
        self.driver.get(self.base + "/templates/")
        self.click(self.driver.find_element(By.CSS_SELECTOR, "a[href='/templates/x-post/']"))
        WebDriverWait(self.driver, 10).until(EC.url_contains("/templates/x-post/"))
        form = self.driver.find_element(By.CSS_SELECTOR, "form[data-generate-form]")
        self.assertNotIn("{{", self.driver.page_source)
        prompt = self.driver.find_element(By.CSS_SELECTOR, "[data-generate-signed-out]")
        WebDriverWait(self.driver, 10).until(lambda d: prompt.is_displayed())
        self.assertEqual(prompt.find_element(By.TAG_NAME, "a").get_attribute("href"),
                         self.base + "/account/signin/?return_to=/templates/x-post/")
        for field in form.find_elements(By.CSS_SELECTOR, "input[required], textarea[required]"):
            field.send_keys("Tally")
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        status = form.find_element(By.CSS_SELECTOR, "[data-generate-status]")
        WebDriverWait(self.driver, 10).until(lambda d: "Sign in to generate" in status.text)
        self.assertTrue(self.driver.current_url.endswith("/templates/x-post/"))
        sent = self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
            ".filter(p => p.startsWith('/api/'))")
        self.assertEqual(sent, [])
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"]
        self.assertEqual(errors, [])

if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
