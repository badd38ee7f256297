#!/usr/bin/env python3
"""A verified learner with a browser session, for bench/serve.sh (Python standard library only).

    learner_session.py --url http://127.0.0.1:PORT --origin http://localhost:PORT \\
        --outbox DIR --manifest PRIVATE/manifest.json [--course ai-marketing]

Through a running `lectern serve` (auth and progress functions, outbox mail):
  1. POST /api/auth/signup with a new address, `Origin: ORIGIN` (sign-up refuses cross-site calls);
  2. reads the verification link from the `.eml` the auth function wrote to the outbox for that
     address (the body is quoted-printable) and POSTs its token to /api/auth/verify;
  3. POST /api/auth/signin: the `lectern_session` cookie and the `csrf_token`;
  4. takes the free lessons of COURSE from the manifest, in course order, and PUTs
     `{"completed":true}` on /api/progress/lessons/<id> for each until one answers 200 (a free
     lesson can still be closed, e.g. by a prerequisite).

Prints one tab-separated line: session cookie value, CSRF token, lesson id, and the lesson's
URL path (`/api/progress/lessons/<id percent-encoded as one segment>`). Errors go to stderr with
the status and body the server answered; the exit status is then 1.
"""

import argparse
import email
import email.policy
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

COOKIE = "lectern_session"
VERIFY_LINK = re.compile(r"/account/verify/\?token=([A-Za-z0-9._~%-]+)")


class Failure(Exception):
    pass


def call(method, url, body=None, headers=None):
    """(status, headers, parsed JSON or text) of one request; HTTP errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    text = raw.decode("utf-8", errors="replace")
    try:
        return status, answer_headers, json.loads(text) if text else None
    except ValueError:
        return status, answer_headers, text


def expect(what, answer, *statuses):
    status, _headers, body = answer
    if status not in statuses:
        raise Failure(f"{what}: status {status}, expected {' or '.join(map(str, statuses))}: {str(body)[:300]}")
    return answer


def message_body(path):
    """The plain-text body of an .eml file, its transfer encoding (quoted-printable) undone."""
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain", "html")) or message
    return message, part.get_content()


def verification_token(outbox, address, timeout=10.0):
    """The token of the newest verification email to `address` in the outbox."""
    deadline = time.monotonic() + timeout
    while True:
        names = sorted((n for n in os.listdir(outbox) if n.endswith(".eml")) if os.path.isdir(outbox) else [],
                       key=lambda n: os.stat(os.path.join(outbox, n)).st_mtime, reverse=True)
        for name in names:
            message, body = message_body(os.path.join(outbox, name))
            if address.lower() not in str(message.get("To", "")).lower():
                continue
            match = VERIFY_LINK.search(body)
            if match:
                return urllib.parse.unquote(match.group(1))
        if time.monotonic() > deadline:
            raise Failure(f"no verification email to {address} in {outbox} ({len(names)} .eml files) "
                          "after 10 s; is MAIL_OUTBOX set for lectern serve, and SMTP_URL unset?")
        time.sleep(0.1)


def session_cookie(headers):
    for field in headers.get_all("Set-Cookie") or []:
        name, _, rest = field.partition("=")
        if name.strip() == COOKIE:
            return rest.split(";", 1)[0].strip()
    raise Failure(f"sign-in set no {COOKIE} cookie (Set-Cookie: {headers.get_all('Set-Cookie')}); "
                  "is SITE_URL http://localhost:…? Otherwise the cookie is __Host-lectern_session")


def free_lessons(manifest_path, course_id):
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    course = next((c for c in manifest.get("courses", []) if c.get("id") == course_id), None)
    if course is None:
        raise Failure(f"no course '{course_id}' in {manifest_path}")
    lessons = [lesson["id"] for module in course.get("modules", []) for lesson in module.get("lessons", [])
               if lesson.get("access") == "free"]
    if not lessons:
        raise Failure(f"course '{course_id}' has no lesson with access \"free\" in {manifest_path}")
    return lessons


def main(argv):
    parser = argparse.ArgumentParser(description="Sign up, verify and sign in a learner; pick a free lesson.")
    parser.add_argument("--url", required=True, help="where lectern serve answers, e.g. http://127.0.0.1:8080")
    parser.add_argument("--origin", required=True, help="the site's origin (SITE_URL), e.g. http://localhost:8080")
    parser.add_argument("--outbox", required=True, help="the MAIL_OUTBOX folder of lectern serve")
    parser.add_argument("--manifest", required=True, help="the private manifest.json")
    parser.add_argument("--course", default="ai-marketing")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    origin = {"Origin": args.origin}

    address = f"bench-learner-{secrets.token_hex(6)}@example.com"
    password = "bench-" + secrets.token_hex(12)
    expect("POST /api/auth/signup", call("POST", base + "/api/auth/signup",
                                         {"email": address, "password": password, "name": "Bench Learner"}, origin), 202)
    token = verification_token(args.outbox, address)
    expect("POST /api/auth/verify", call("POST", base + "/api/auth/verify", {"token": token}, origin), 200)
    _status, headers, body = expect("POST /api/auth/signin", call(
        "POST", base + "/api/auth/signin", {"email": address, "password": password}, origin), 200)
    if not isinstance(body, dict) or not body.get("csrf_token"):
        raise Failure(f"POST /api/auth/signin answered no csrf_token: {str(body)[:300]}")
    cookie, csrf = session_cookie(headers), body["csrf_token"]

    session = {"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": csrf}
    refused = []
    for lesson in free_lessons(args.manifest, args.course):
        path = "/api/progress/lessons/" + urllib.parse.quote(lesson, safe="")
        status, _headers, answer = call("PUT", base + path, {"completed": True}, session)
        if status == 200:
            print(f"{cookie}\t{csrf}\t{lesson}\t{path}")
            return 0
        refused.append(f"{lesson}: {status} {str(answer)[:200]}")
    raise Failure("no free lesson could be completed:\n  " + "\n  ".join(refused))


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (Failure, OSError) as error:
        print(f"learner_session.py: {error}", file=sys.stderr)
        sys.exit(1)
