"""Buying from the pricing page, in a real headless Chromium against `lectern serve` with its real
`auth`, `access` and `payments` functions and a fake Stripe API run here: a signed-out visitor picks
"Go Pro", signs in, is sent on to Checkout, lands on the success page; a signed Stripe webhook
(`lectern payments replay`) grants the offer and a paid lesson opens. Also: a cancelled checkout.

Run by `make test` after the Swift tests (the binaries must be built): python3 Tests/Browser/test_checkout.py
"""
import json
import os
import sys
import threading
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from served_site import ServedSite  # noqa: E402
from test_lead_form import ROOT, chrome, free_port  # noqa: E402

PAID_LESSON = "ai-marketing/brand-voice/audience-personas"
WEBHOOK_SECRET = "whsec_test"


class FakeStripe:
    """`POST /v1/checkout/sessions`: records the form, answers a session whose URL is the site's
    success page (where Stripe would send the buyer after paying)."""

    def __init__(self):
        self.sessions = []
        self.site = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
                if self.path == "/v1/checkout/sessions":
                    fake.sessions.append({"form": form, "auth": self.headers.get("Authorization"),
                                          "idempotency": self.headers.get("Idempotency-Key")})
                    answer = {"id": "cs_test_1", "object": "checkout.session",
                              "url": f"{fake.site}/account/learning/?checkout=success&session_id=cs_test_1"}
                    status = 200
                else:
                    answer = {"error": {"type": "invalid_request_error", "message": "not faked: " + self.path}}
                    status = 404
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *arguments):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class CheckoutJourney(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stripe = FakeStripe()
        try:
            cls.site = ServedSite(("auth", "access", "payments"), extra_env={
                "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_API_BASE": f"http://127.0.0.1:{cls.stripe.port}",
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET})
        except Exception:
            cls.stripe.stop()
            raise
        cls.stripe.site = cls.site.base
        cls.base = cls.site.base

    @classmethod
    def tearDownClass(cls):
        cls.site.stop()
        cls.stripe.stop()

    def setUp(self):
        self.driver = chrome()
        self.wait = WebDriverWait(self.driver, 15)

    def tearDown(self):
        self.driver.quit()

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()

    def script_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE" and entry["source"] != "network"]

    def paid_lesson_url(self):
        course = next(c for c in self.site.manifest()["courses"] if c["id"] == "ai-marketing")
        lesson = next(l for m in course["modules"] for l in m["lessons"] if l["id"] == PAID_LESSON)
        self.assertEqual(lesson["access"], "paid")
        return lesson["url"]

    def test_buying_pro_from_the_pricing_page_unlocks_a_paid_lesson(self):
        address = "buyer@example.com"
        self.site.create_account(address)
        lesson_url = self.paid_lesson_url()

        # Signed out, "Go Pro" goes to sign in, coming back to the pricing page's checkout.
        before = len(self.stripe.sessions)
        self.driver.get(self.base + "/pricing/")
        self.click(self.driver.find_element(By.CSS_SELECTOR, "#offer-pro a[data-checkout-offer=pro]"))
        self.wait.until(EC.url_contains("/account/signin/"))
        self.assertEqual(self.driver.current_url, self.base + "/account/signin/?return_to=/pricing/%23checkout-pro")
        self.assertEqual(len(self.stripe.sessions), before)

        # After signing in, the checkout starts by itself and the browser goes where Stripe said.
        self.site.fill_sign_in(self.driver, address)
        self.wait.until(EC.url_contains("/account/learning/"))
        self.assertEqual(len(self.stripe.sessions), before + 1, self.stripe.sessions)
        sent = self.stripe.sessions[-1]
        self.assertEqual(sent["auth"], "Bearer sk_test_x")
        self.assertEqual(sent["form"]["line_items[0][price]"], "price_demo_pro_monthly")
        self.assertEqual(sent["form"]["mode"], "subscription")
        self.assertTrue(sent["form"]["client_reference_id"])
        self.assertEqual(sent["form"]["metadata[offer]"], "pro")
        self.assertTrue(sent["form"]["success_url"].startswith(self.base + "/account/learning/?checkout=success"))
        self.assertEqual(sent["form"]["cancel_url"], self.base + "/pricing/?checkout=cancelled")

        # The success page thanks the buyer and takes the parameters out of the address.
        thanks = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-success]")))
        self.assertIn("your access is being set up", thanks.text)
        self.wait.until(lambda d: "checkout=" not in d.current_url)
        self.assertTrue(self.driver.current_url.endswith("/account/learning/"))

        # Before the webhook: still the teaser.
        self.driver.get(self.base + lesson_url)
        self.driver.find_element(By.CSS_SELECTOR, "section.locked")

        # Stripe's webhook (signed with the endpoint secret): a trialing subscription grants Pro.
        self.site.lectern("payments", "replay",
                                os.path.join(ROOT, "functions/payments/fixtures/stripe/customer.subscription.created.json"),
                                "--user", address, "--offer", "pro", "--secret", WEBHOOK_SECRET,
                                "--url", self.base + "/api/payments/webhooks/stripe")
        self.driver.refresh()
        self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'article[data-lesson-id="{PAID_LESSON}"]')))
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "section.locked"), [])
        self.assertEqual(self.script_errors(), [])

    def test_a_signed_in_buyer_goes_straight_to_checkout_and_back_when_cancelled(self):
        address = "chooser@example.com"
        self.site.create_account(address)
        self.site.sign_in(self.driver, self.wait, address, "/pricing/")
        before = len(self.stripe.sessions)
        self.click(self.driver.find_element(By.CSS_SELECTOR, "#offer-team a[data-checkout-offer=team]"))
        self.wait.until(EC.url_contains("/account/learning/"))
        self.assertEqual(len(self.stripe.sessions), before + 1)
        self.assertEqual(self.stripe.sessions[-1]["form"]["line_items[0][price]"], "price_demo_team_monthly")

        # Stripe's cancel URL: a short note on the pricing page.
        self.driver.get(self.base + "/pricing/?checkout=cancelled")
        note = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-cancelled]")))
        self.assertIn("Checkout cancelled", note.text)
        self.wait.until(lambda d: d.current_url == self.base + "/pricing/")
        # The free offer is a plain link to its course, not a checkout.
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#offer-free a[data-checkout-offer]"), [])

        # No purchase went through, so there is no billing account: "Manage billing" says so and goes.
        self.driver.get(self.base + "/account/")
        billing = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-account-billing]")))
        self.click(billing)
        self.wait.until(EC.invisibility_of_element(billing))
        self.assertIn("no billing account", self.driver.find_element(By.CSS_SELECTOR, "[data-account-billing-status]").text)
        self.assertEqual(self.script_errors(), [])


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
