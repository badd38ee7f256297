"""The copy generator as a user works it, in a real headless Chromium against `lectern serve` with
its real `auth` and `generate` functions: without a model the labelled template drafts with their
QC badges; with a tiny OpenAI-compatible server run here, the text streaming in and then the
fields; a required input left empty reported beside it; the history page listing, starring and
deleting the generations; a batch job queued from an uploaded CSV, followed to done, its results
downloaded.

Run by `make test` after the Swift tests (the binaries must be built): python3 Tests/Browser/test_generate.py
"""
import csv
import io
import json
import os
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from served_site import ServedSite  # noqa: E402
from test_lead_form import chrome, free_port  # noqa: E402

TEMPLATE = "/templates/google-ads/"
INPUTS = {"product": "Tally, time tracking for design studios",
          "audience": "owners of small design studios",
          "key_benefit": "Turns tracked hours into invoices in one click."}
LIMITS = {"headline": 30, "description": 90}

# One answer per request, all different (the QC rules refuse near-duplicate variants).
ANSWERS = [
    ("See Where Your Week Went", "Timers per client and project show which work took your studio's hours."),
    ("Invoices From Tracked Hours", "Turn the hours your team tracked into an invoice with one click."),
    ("Bill Every Studio Hour", "Forgotten timers cost money. Tally reminds your team when nothing runs."),
    ("Time Tracking for Studios", "Built for small design teams who still send the invoices themselves."),
    ("Stop Guessing Client Hours", "Know which client took Thursday before you price the next project."),
]


class FakeModel:
    """`POST /v1/chat/completions` streaming like OpenAI: content deltas, a usage chunk, `[DONE]`."""

    def __init__(self, pause=0.15):
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                index = len(fake.requests)
                fake.requests.append(body)
                headline, description = ANSWERS[index % len(ANSWERS)]
                text = json.dumps({"headline": headline, "description": description})
                pieces = [text[i:i + 12] for i in range(0, len(text), 12)]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for piece in pieces:
                        chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": body.get("model", "gpt-4o-mini"),
                                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                        time.sleep(pause)
                    usage = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [],
                             "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}}
                    self.wfile.write(f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def log_message(self, *arguments):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class GenerateJourney(unittest.TestCase):
    def setUp(self):
        self.driver = chrome()
        self.wait = WebDriverWait(self.driver, 20)
        self.sites = []
        self.model = None

    def tearDown(self):
        self.driver.quit()
        for site in self.sites:
            site.stop()
        if self.model:
            self.model.stop()

    def serve(self, extra_env=None):
        site = ServedSite(("auth", "generate"), extra_env=extra_env)
        self.sites.append(site)
        return site

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()

    def script_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE" and entry["source"] != "network"]

    def open_signed_in(self, site, address):
        site.create_account(address)
        site.sign_in(self.driver, self.wait, address, TEMPLATE)
        self.driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": site.base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        form = self.driver.find_element(By.CSS_SELECTOR, "form[data-generate-form]")
        # Signed in: no sign-in prompt.
        self.assertFalse(self.driver.find_element(By.CSS_SELECTOR, "[data-generate-signed-out]").is_displayed())
        return form

    def fill(self, form, inputs):
        for name, text in inputs.items():
            field = form.find_element(By.NAME, name)
            field.clear()
            field.send_keys(text)

    def variants(self, form):
        return form.find_elements(By.CSS_SELECTOR, "[data-generate-variant]")

    def check_variant_fields(self, variant):
        fields = {row.get_attribute("data-generate-field"): row.find_element(By.CSS_SELECTOR, "[data-generate-text]").text
                  for row in variant.find_elements(By.CSS_SELECTOR, "[data-generate-field]")}
        self.assertEqual(set(fields), set(LIMITS))
        for name, text in fields.items():
            self.assertTrue(text.strip(), name)
            self.assertLessEqual(len(text), LIMITS[name], f"{name}: {text!r}")
        self.assertEqual(variant.find_elements(By.CSS_SELECTOR, "[data-generate-count].is-over"), [])
        badge = variant.find_element(By.CSS_SELECTOR, "[data-generate-qc]")
        self.assertIn(badge.get_attribute("data-qc"), ("passed", "warnings"))
        self.assertTrue(badge.find_elements(By.CSS_SELECTOR, "[data-check]"))
        return fields

    def test_without_a_model_the_answer_is_a_labelled_template_draft(self):
        site = self.serve()
        form = self.open_signed_in(site, "drafter@example.com")
        self.fill(form, INPUTS)
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        status = form.find_element(By.CSS_SELECTOR, "[data-generate-status]")
        self.wait.until(lambda d: status.text.startswith("Done"))
        self.assertIn("template draft", form.find_element(By.CSS_SELECTOR, "[data-generate-draft]").text.lower())
        variants = self.variants(form)
        self.assertEqual(len(variants), 5)
        for variant in variants:
            self.check_variant_fields(variant)
            self.assertTrue(variant.find_elements(By.CSS_SELECTOR, '[data-generate-marker="draft"]'))
        usage = form.find_element(By.CSS_SELECTOR, "[data-generate-usage]")
        self.assertIn("Template draft", usage.text)
        self.assertIn("1 of 20 generations used", usage.text)

        # Copy a field: the clipboard gets its text and "Copied" is announced beside the button.
        first = variants[0].find_element(By.CSS_SELECTOR, "[data-generate-field=headline]")
        self.click(first.find_element(By.CSS_SELECTOR, "[data-generate-copy]"))
        self.wait.until(lambda d: first.find_element(By.CSS_SELECTOR, ".generate-copied").text == "Copied")
        clipboard = self.driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))")
        self.assertEqual(clipboard, first.find_element(By.CSS_SELECTOR, "[data-generate-text]").text)

        # "Regenerate (fresh)" appears after the first answer and asks again.
        fresh = form.find_element(By.CSS_SELECTOR, "[data-generate-fresh]")
        self.assertTrue(fresh.is_displayed())
        self.click(fresh)
        self.wait.until(lambda d: "2 of 20 generations used" in usage.text)

        # A required input left empty is pointed out beside it; nothing is sent.
        product = form.find_element(By.NAME, "product")
        product.clear()
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        error = self.wait.until(EC.visibility_of_element_located((By.ID, "template-product-error")))
        self.assertTrue(error.text)
        self.assertEqual(product.get_attribute("aria-invalid"), "true")
        self.assertIn("template-product-error", product.get_attribute("aria-describedby"))
        self.assertEqual(self.driver.switch_to.active_element, product)
        product.send_keys("Tally")
        self.assertIsNone(product.get_attribute("aria-invalid"))
        self.assertEqual(self.script_errors(), [])

    def test_with_a_model_the_text_streams_then_the_fields_and_the_history_keeps_them(self):
        self.model = FakeModel()
        site = self.serve({"OPENAI_BASE_URL": f"http://127.0.0.1:{self.model.port}/v1", "OPENAI_API_KEY": "sk-test",
                           "OPENAI_MODEL": "gpt-4o-mini"})
        form = self.open_signed_in(site, "writer@example.com")
        self.fill(form, INPUTS)
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

        # The model's raw text shows while it arrives, before the variant's fields replace it.
        WebDriverWait(self.driver, 20, poll_frequency=0.05).until(lambda d: d.execute_script(
            "return [...document.querySelectorAll('[data-generate-stream]')].some(e => !e.hidden && e.textContent.includes('headline'))"))
        status = form.find_element(By.CSS_SELECTOR, "[data-generate-status]")
        self.wait.until(lambda d: status.text.startswith("Done"))
        self.assertEqual(form.find_elements(By.CSS_SELECTOR, "[data-generate-draft]"), [])
        variants = self.variants(form)
        self.assertEqual(len(variants), 5)
        headlines = [self.check_variant_fields(variant)["headline"] for variant in variants]
        self.assertEqual(sorted(headlines), sorted(answer[0] for answer in ANSWERS))
        self.assertEqual(len(self.model.requests), 5)
        self.assertTrue(all(request.get("stream") for request in self.model.requests))
        usage = form.find_element(By.CSS_SELECTOR, "[data-generate-usage]").text
        self.assertIn("600 tokens in, 150 out", usage)

        # The history page lists it (searchable), stars it, and deletes it.
        self.driver.get(site.base + "/account/generations/")
        entry = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-generation]")))
        self.assertIn("Google Ads", entry.text)
        self.assertIn(ANSWERS[0][0], entry.text)
        csv = self.driver.find_element(By.CSS_SELECTOR, "[data-generations-csv]")
        self.assertTrue(csv.get_attribute("href").endswith("/api/generate/history.csv"))
        star = entry.find_element(By.CSS_SELECTOR, "[data-generation-star]")
        self.click(star)
        self.wait.until(lambda d: star.get_attribute("aria-pressed") == "true")
        starred = self.driver.find_element(By.CSS_SELECTOR, "[data-generations-filter] input[name=starred]")
        self.click(starred)
        self.wait.until(lambda d: "starred=1" in csv.get_attribute("href"))
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-generation]")) == 1)
        search = self.driver.find_element(By.ID, "generations-q")
        search.send_keys("nothing like this")
        self.click(self.driver.find_element(By.CSS_SELECTOR, "[data-generations-filter] button[type=submit]"))
        self.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-generation]"))
        search.clear()
        self.click(starred)
        entry = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-generation]")))
        self.click(entry.find_element(By.CSS_SELECTOR, "[data-generation-delete]"))
        self.wait.until(EC.alert_is_present()).accept()
        self.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-generation]"))
        self.assertTrue(self.driver.find_element(By.CSS_SELECTOR, "[data-generations-empty]").is_displayed())
        self.driver.refresh()
        self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-generations-empty]")))
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "[data-generation]"), [])
        self.assertEqual(self.script_errors(), [])


    def test_a_batch_from_an_uploaded_csv_runs_to_done_and_its_results_download(self):
        site = self.serve()
        self.open_signed_in(site, "batcher@example.com")
        self.driver.get(site.base + "/account/batches/")
        form = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-batches-form]")))
        self.assertFalse(self.driver.find_element(By.CSS_SELECTOR, "[data-batches-signed-out]").is_displayed())
        # The header the template needs is spelled out.
        self.assertIn("product", form.find_element(By.CSS_SELECTOR, '[data-batches-inputs="google-ads"]').text)

        # An empty submission is pointed out inline; nothing is queued.
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        error = self.wait.until(EC.visibility_of_element_located((By.ID, "batches-csv-error")))
        self.assertTrue(error.text)
        self.assertTrue(form.find_element(By.CSS_SELECTOR, "[data-batches-form-error]").text)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "[data-batch]"), [])

        # A row missing a required input is reported by row, beside the CSV; nothing is queued.
        pasted = self.driver.find_element(By.ID, "batches-csv")
        pasted.send_keys("product\nTally\n")
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.wait.until(lambda d: "audience" in error.text.lower() or "who is searching" in error.text.lower())
        self.assertIn("Row 1", error.text)
        self.assertEqual(pasted.get_attribute("aria-invalid"), "true")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "[data-batch]"), [])
        pasted.clear()

        rows = ["Tally, time tracking for design studios", "Ledgerly, bookkeeping for freelancers", "Quill, a notes app for writers"]
        handle, path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(handle, "w") as file:
            # `product` differs per row; the template's other required inputs are the same throughout.
            file.write("product,audience,key_benefit\n" + "".join(
                f'"{row}",small teams,"Saves an hour a day."\n' for row in rows))
        self.addCleanup(os.remove, path)
        template = form.find_element(By.NAME, "template")
        template.find_element(By.CSS_SELECTOR, 'option[value="google-ads"]').click()
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(path)
        self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

        job = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-batch]")))
        self.assertIsNone(self.driver.find_element(By.ID, "batches-csv").get_attribute("aria-invalid"))
        self.assertIn("Google Ads", job.text)
        WebDriverWait(self.driver, 60).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "[data-batch]").get_attribute("data-batch-status") == "done")
        job = self.driver.find_element(By.CSS_SELECTOR, "[data-batch]")
        self.assertIn("3 of 3 done", job.find_element(By.CSS_SELECTOR, "[data-batch-meta]").text)
        progress = job.find_element(By.CSS_SELECTOR, "[data-batch-progress]")
        self.assertEqual((progress.get_attribute("value"), progress.get_attribute("max")), ("3", "3"))
        self.assertFalse(job.find_element(By.CSS_SELECTOR, "[data-batch-resume]").is_displayed())

        # The download link answers the results as CSV: three rows, each with its fields.
        href = job.find_element(By.CSS_SELECTOR, "[data-batch-download]").get_attribute("href")
        self.assertTrue(href.endswith("/results.csv"), href)
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookies})) as response:
            self.assertIn("text/csv", response.headers.get("Content-Type"))
            table = list(csv.DictReader(io.StringIO(response.read().decode())))
        self.assertEqual(sorted({line["row"] for line in table}), ["1", "2", "3"])
        self.assertEqual({line["field"] for line in table}, set(LIMITS))
        self.assertTrue(all(line["status"] == "done" for line in table))
        for row in rows:
            self.assertTrue(any(row in line["inputs"] for line in table), row)

        # The history page and the account page link here.
        self.driver.get(site.base + "/account/generations/")
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-generations-batches]")))
        self.driver.get(site.base + "/account/")
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'a[href="/account/batches/"]')))
        self.assertEqual(self.script_errors(), [])

if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
