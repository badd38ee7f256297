/* Lectern default theme: the few personal or interactive bits of an otherwise static page.
   Every feature is optional: when an API is missing or a request fails, the page stays as it was. */
(function () {
  "use strict";

  var doc = document;

  /** Run a feature so that its failure never stops the others. */
  function guard(feature) {
    try {
      feature();
    } catch (error) {
      /* A broken feature must not break the page; there is nothing useful to show the reader. */
    }
  }

  /** GET a URL and resolve with its JSON on HTTP 200, or with null on anything else. */
  function getJSON(url) {
    if (typeof fetch !== "function" || typeof Promise === "undefined") {
      return null;
    }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.status === 200 ? response.json() : null;
      })
      .catch(function () {
        return null;
      });
  }

  function make(tag, className, text) {
    var element = doc.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  /* ---------- Search ---------- */

  /** Lower-case and strip accents so "Résumé" matches "resume". */
  function fold(text) {
    var value = String(text || "").toLowerCase();
    return typeof value.normalize === "function"
      ? value.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      : value;
  }

  function prepareIndex(data) {
    var pages = data && Array.isArray(data.pages) ? data.pages : [];
    return pages
      .filter(function (page) {
        return page && typeof page.url === "string" && page.title;
      })
      .map(function (page, order) {
        return {
          page: page,
          order: order,
          title: fold(page.title),
          description: fold(page.description),
          text: fold(page.text)
        };
      });
  }

  /** Pages where every word occurs somewhere; title hits first, then description hits. */
  function findMatches(entries, query, limit) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var matches = [];
    entries.forEach(function (entry) {
      var titleHits = 0;
      var descriptionHits = 0;
      for (var i = 0; i < words.length; i++) {
        var word = words[i];
        var inTitle = entry.title.indexOf(word) !== -1;
        var inDescription = entry.description.indexOf(word) !== -1;
        if (!inTitle && !inDescription && entry.text.indexOf(word) === -1) return;
        if (inTitle) titleHits++;
        if (inDescription) descriptionHits++;
      }
      matches.push({ entry: entry, titleHits: titleHits, descriptionHits: descriptionHits });
    });
    matches.sort(function (a, b) {
      return (
        b.titleHits - a.titleHits ||
        b.descriptionHits - a.descriptionHits ||
        a.entry.order - b.entry.order
      );
    });
    return matches.slice(0, limit).map(function (match) {
      return match.entry.page;
    });
  }

  function snippet(page) {
    var text = String(page.description || page.text || "").replace(/\s+/g, " ").trim();
    return text.length > 140 ? text.slice(0, 137).replace(/\s+\S*$/, "") + "…" : text;
  }

  function setUpSearch() {
    var input = doc.querySelector("[data-lectern-search]");
    if (!input) return;
    var form = input.form || input.closest("form");
    var popup = doc.querySelector("[data-lectern-search-popup]");
    var list = doc.getElementById(input.getAttribute("aria-controls") || "lectern-search-results");
    var empty = doc.querySelector("[data-lectern-search-empty]");
    var status = doc.querySelector("[data-lectern-search-status]");
    if (!form || !popup || !list || typeof fetch !== "function") return;

    var entries = null;
    var loading = null;
    var unavailable = false;
    var results = [];
    var active = -1;

    function announce(message) {
      if (status) status.textContent = message;
    }

    function load() {
      if (!loading) {
        var url = input.getAttribute("data-index");
        loading = (url ? getJSON(url) : Promise.resolve(null)).then(function (data) {
          entries = prepareIndex(data);
          unavailable = !data;
          return entries;
        });
      }
      return loading;
    }

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
      var option = options[active];
      if (option.offsetTop < popup.scrollTop) {
        popup.scrollTop = option.offsetTop;
      } else if (option.offsetTop + option.offsetHeight > popup.scrollTop + popup.clientHeight) {
        popup.scrollTop = option.offsetTop + option.offsetHeight - popup.clientHeight;
      }
    }

    function render() {
      var query = input.value.trim();
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!query || !entries) {
        results = [];
        close();
        announce("");
        return;
      }
      results = findMatches(entries, query, 8);
      results.forEach(function (page, index) {
        var option = make("a", "search-result");
        option.href = page.url;
        option.id = "lectern-search-option-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.tabIndex = -1;
        if (page.section) option.appendChild(make("span", "search-result-section", page.section));
        option.appendChild(make("span", "search-result-title", page.title));
        var summary = snippet(page);
        if (summary) option.appendChild(make("span", "search-result-snippet", summary));
        list.appendChild(option);
      });
      var message = unavailable
        ? "Search is not available right now."
        : "No pages match “" + query + "”.";
      if (empty) {
        empty.hidden = results.length > 0;
        empty.textContent = results.length ? "" : message;
      }
      popup.hidden = false;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      announce(
        results.length === 0
          ? message
          : results.length === 1
            ? "1 result. Use the arrow keys to choose it."
            : results.length + " results. Use the arrow keys to choose one."
      );
    }

    function go(index) {
      var options = list.querySelectorAll("[role=option]");
      var option = options[index >= 0 ? index : 0];
      if (option) window.location.href = option.href;
    }

    input.addEventListener(
      "focus",
      function () {
        load().then(render);
      },
      { once: true }
    );
    input.addEventListener("input", function () {
      if (entries) render();
      else load().then(render);
    });
    input.addEventListener("focus", function () {
      if (entries && input.value.trim()) render();
    });
    input.addEventListener("keydown", function (event) {
      var open = !popup.hidden && results.length > 0;
      switch (event.key) {
        case "ArrowDown":
          if (!open) return render();
          event.preventDefault();
          highlight(active + 1);
          break;
        case "ArrowUp":
          if (!open) return;
          event.preventDefault();
          highlight(active < 0 ? -1 : active - 1);
          break;
        case "Enter":
          event.preventDefault();
          if (open) go(active);
          break;
        case "Escape":
          if (!popup.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            announce("");
          }
          break;
        case "Tab":
          close();
          break;
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    // Keep focus in the box when an option is pressed, so the link still follows.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    doc.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
    // "/" jumps to search from anywhere that is not a text field.
    doc.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      event.preventDefault();
      input.focus();
    });

    form.hidden = false;
  }

  /* ---------- Accounts (the auth function's API, docs/AUTH.md) ---------- */

  var auth = {
    api: "/api/auth",
    /** X-CSRF-Token for every POST, PUT and DELETE once signed in (from the session or sign-in answer). */
    csrf: null,
    /** GET /session, asked at most once per page. */
    session: null
  };

  function readCookie(name) {
    var parts = doc.cookie ? doc.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].replace(/^\s+/, "");
      if (part.indexOf(name + "=") === 0) return part.slice(name.length + 1);
    }
    return null;
  }

  /** `lectern_hint=1` is set by the auth function beside its HttpOnly session cookie (and cleared at
      sign-out), so a visitor who never signed in costs no API call. */
  function hasSessionHint() {
    return readCookie("lectern_hint") === "1";
  }

  function dropSessionHint() {
    doc.cookie = "lectern_hint=; Path=/; Max-Age=0; SameSite=Lax" + (window.location.protocol === "https:" ? "; Secure" : "");
  }

  function signedOutLocally() {
    dropSessionHint();
    auth.csrf = null;
    auth.session = null;
    showHeaderUser(null);
  }

  /** The session (`{status, data}`; status 0 when the network failed); a 401 drops a stale hint. */
  function currentSession() {
    if (!auth.session) {
      auth.session = authRequest("GET", "/session").then(function (reply) {
        if (reply.status === 401) dropSessionHint();
        return reply;
      });
    }
    return auth.session;
  }

  /**
   * Calls one of the site's APIs with JSON and the session cookie; resolves with
   * `{status, data, response}` (status 0 when the network failed), never rejects. Every request
   * that changes something carries `X-CSRF-Token` once a session is known (docs/AUTH.md); a
   * `403 csrf_rejected` fetches the current token and tries once more. `headers` adds headers.
   */
  function apiRequest(method, url, body, headers, retried) {
    var needsToken = method !== "GET" && !auth.csrf && hasSessionHint();
    return (needsToken ? currentSession() : Promise.resolve())
      .then(function () {
        var sent = { Accept: "application/json" };
        if (body !== undefined) sent["Content-Type"] = "application/json";
        if (method !== "GET" && auth.csrf) sent["X-CSRF-Token"] = auth.csrf;
        for (var name in headers || {}) {
          if (Object.prototype.hasOwnProperty.call(headers, name)) sent[name] = headers[name];
        }
        return fetch(url, {
          method: method,
          credentials: "same-origin",
          headers: sent,
          body: body === undefined ? undefined : JSON.stringify(body)
        });
      })
      .then(
        function (response) {
          return response
            .json()
            .catch(function () {
              return null;
            })
            .then(function (data) {
              if (data && typeof data.csrf_token === "string") auth.csrf = data.csrf_token;
              var code = data && data.error && data.error.code;
              if (response.status === 403 && code === "csrf_rejected" && !retried && method !== "GET") {
                // The token went stale (signed in again in another tab): fetch the current one, once.
                auth.csrf = null;
                auth.session = null;
                return currentSession().then(function () {
                  return apiRequest(method, url, body, headers, true);
                });
              }
              return { status: response.status, data: data, response: response };
            });
        },
        function () {
          return { status: 0, data: null, response: null };
        }
      );
  }

  /** Calls the auth function (`/api/auth` + `path`): see `apiRequest`. */
  function authRequest(method, path, body) {
    return apiRequest(method, auth.api + path, body);
  }

  /** Resolves with the signed-in user; with null when the reader is signed out (no hint cookie,
      or the session answered 401); with undefined when that could not be told (no auth function,
      network trouble), in which case a feature leaves the page as it is. */
  function signedInUser() {
    if (!hasSessionHint()) return Promise.resolve(null);
    return currentSession().then(function (reply) {
      if (reply.status === 200 && reply.data && reply.data.user) return reply.data.user;
      return reply.status === 401 ? null : undefined;
    });
  }

  /* The header: "Sign in", or the signed-in reader's name linking to the account page. */

  var header = { slot: null, signIn: null, account: null };

  function showHeaderUser(user) {
    var slot = header.slot;
    if (!slot || !header.signIn) return;
    var name = user && (user.name || user.email);
    if (!name) {
      if (header.account && header.account.parentNode === slot) slot.replaceChild(header.signIn, header.account);
      header.account = null;
      return;
    }
    var url = slot.getAttribute("data-account-url") || "/account/";
    var link = make("a", "site-account-link is-signed-in");
    link.href = url;
    link.setAttribute("data-lectern-account-link", "");
    if (window.location.pathname === url) link.setAttribute("aria-current", "page");
    link.appendChild(make("span", "visually-hidden", "Account: "));
    link.appendChild(make("span", "site-account-name", String(name)));
    if (user.email) link.title = "Account: " + String(user.email);
    var current = header.account || header.signIn;
    if (current.parentNode === slot) slot.replaceChild(link, current);
    header.account = link;
  }

  function setUpAccount() {
    var slot = doc.querySelector("[data-lectern-account]");
    var signIn = slot && slot.querySelector("[data-lectern-signin]");
    if (!signIn) return;
    header.slot = slot;
    header.signIn = signIn;
    // Come back to this page after signing in (from an account page, the account page is next).
    var accountURL = slot.getAttribute("data-account-url") || "/account/";
    var path = window.location.pathname;
    if (path.indexOf(accountURL) !== 0) {
      signIn.href = signIn.getAttribute("href").split("?")[0] + "?return_to=" + encodeURIComponent(path).replace(/%2F/g, "/");
    }
    if (!hasSessionHint() || typeof fetch !== "function" || typeof Promise === "undefined") return;
    currentSession().then(function (reply) {
      guard(function () {
        if (reply.status === 200 && reply.data && reply.data.user) showHeaderUser(reply.data.user);
      });
    });
  }

  /* ---------- Course sidebar ---------- */

  function setUpCourseNav() {
    var details = doc.querySelector("[data-lectern-course-nav]");
    if (!details || typeof window.matchMedia !== "function") return;
    var wide = window.matchMedia("(min-width: 60rem)");
    function sync() {
      if (wide.matches) details.open = true;
    }
    sync();
    if (typeof wide.addEventListener === "function") wide.addEventListener("change", sync);

    // Bring the current lesson into view inside the sidebar, without scrolling the page.
    var current = details.querySelector('a[aria-current="page"]');
    if (current && wide.matches && details.scrollHeight > details.clientHeight) {
      var top = current.offsetTop - details.clientHeight / 3;
      if (top > 0) details.scrollTop = top;
    }
  }

  /* ---------- Progress (the progress function: functions/openapi.json, `/api/progress`) ---------- */

  var progress = {
    api: "/api/progress",
    messages: {
      saving: "Saving…",
      done: "You have completed this lesson.",
      failed: "Your progress could not be saved. Please try again.",
      offline: "We couldn't reach the server. Check your connection and try again.",
      finished: "You have finished the course. "
    }
  };

  /** A lesson's URL in the progress API: the lesson id holds `/`, and is sent as ONE segment. */
  function lessonURL(lessonId) {
    return progress.api + "/lessons/" + encodeURIComponent(lessonId);
  }

  /** The sign-in page, coming back to this one afterwards. */
  function signInURL() {
    var slot = doc.querySelector("[data-lectern-account]");
    var account = (slot && slot.getAttribute("data-account-url")) || "/account/";
    return account + "signin/?return_to=" + encodeURIComponent(window.location.pathname).replace(/%2F/g, "/");
  }

  /** "Sign in to save progress and check answers", with the link: the whole of what a signed-out
      reader is told; the page reads as it always did. */
  function fillSignInNote(element) {
    element.textContent = "";
    var link = make("a", null, "Sign in");
    link.href = signInURL();
    element.appendChild(link);
    element.appendChild(doc.createTextNode(" to save progress and check answers."));
    return element;
  }

  /** The site path of a certificate's verification page (the API gives an absolute URL made from
      the configured site address; the path keeps the reader on this host). */
  function certificatePath(certificate) {
    try {
      return new URL(String(certificate.url), window.location.href).pathname;
    } catch (error) {
      return "/certificates/" + encodeURIComponent(String(certificate.id)) + "/";
    }
  }

  /** Writes "You have finished the course. View your certificate" into `element`. */
  function showCertificateLink(element, certificate) {
    element.appendChild(doc.createTextNode(progress.messages.finished));
    var link = make("a", "certificate-link", "View your certificate");
    link.href = certificatePath(certificate);
    link.setAttribute("data-lectern-certificate-link", "");
    element.appendChild(link);
  }

  /** What to say when a progress call failed: the function's own message when it gave one. */
  function progressProblem(reply) {
    if (reply.status === 0) return progress.messages.offline;
    var error = reply.data && reply.data.error;
    if (error && typeof error.message === "string" && error.message && reply.status < 500 && reply.status !== 404) {
      return error.message;
    }
    return progress.messages.failed;
  }

  /** Ticks (or unticks) a lesson wherever the page lists it: `data-lesson-id` on sidebar and
      syllabus entries, and on the lesson itself. */
  function markCompleted(lessonId, done) {
    var elements = doc.querySelectorAll("[data-lesson-id]");
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      if (element.getAttribute("data-lesson-id") !== lessonId) continue;
      var label = element.tagName === "A" ? element : element.querySelector(".lesson-item-title");
      var note = element.querySelector("[data-lectern-completed]");
      element.classList.toggle("is-complete", done);
      if (done && !note && label && element.tagName !== "ARTICLE") {
        note = make("span", "visually-hidden", " (completed)");
        note.setAttribute("data-lectern-completed", "");
        label.appendChild(note);
      } else if (!done && note) {
        note.parentNode.removeChild(note);
      }
    }
  }

  /** The course's progress (`GET /api/progress/courses/{course}`) on its pages: ticks, the
      summary and "Continue where you left off" on the course page. */
  function showCourseProgress(data) {
    var lessons = data.lessons && typeof data.lessons === "object" ? data.lessons : {};
    Object.keys(lessons).forEach(function (id) {
      if (lessons[id] && lessons[id].completed === true) markCompleted(id, true);
    });
    var completed = Number(data.completed) || 0;
    var total = Number(data.total) || 0;
    var summary = doc.querySelector("[data-lectern-progress]");
    if (summary && total > 0 && completed > 0) {
      var percent = typeof data.percent === "number" ? data.percent : Math.floor((completed * 100) / total);
      summary.textContent = "You have completed " + completed + " of " + total + " lessons (" + percent + "%).";
      summary.hidden = false;
    }
    var resume = doc.querySelector("[data-lectern-continue]");
    var next = data["continue"];
    var link = resume && resume.querySelector("a");
    if (!link || !next || typeof next.url !== "string") return;
    var start = doc.querySelector("[data-lectern-start]");
    // Someone who has not started yet has nowhere to continue from: "Start the course" says it.
    if (completed === 0 && start && start.getAttribute("href") === next.url) return;
    link.href = next.url;
    var title = resume.querySelector("[data-lectern-continue-title]");
    if (title) title.textContent = String(next.title || "");
    resume.hidden = false;
  }

  /** "Complete and continue" (or "Mark complete" on a course's last lesson) and its undo. */
  function lessonControls(panel, lessonId, course) {
    var box = panel.querySelector("[data-lesson-progress-signed-in]");
    var complete = panel.querySelector("[data-lesson-complete]");
    var undo = panel.querySelector("[data-lesson-incomplete]");
    var status = panel.querySelector("[data-lesson-progress-status]");
    var entry = course.lessons && course.lessons[lessonId];
    if (!box || !complete || !entry) return;
    var busy = false;

    function show(done, message) {
      complete.hidden = done;
      if (undo) undo.hidden = !done;
      if (status) status.textContent = message === undefined ? (done ? progress.messages.done : "") : message;
    }

    function send(done, button) {
      if (busy) return;
      busy = true;
      // aria-disabled rather than disabled: a disabled button drops keyboard focus mid-send.
      button.setAttribute("aria-disabled", "true");
      if (status) status.textContent = progress.messages.saving;
      apiRequest("PUT", lessonURL(lessonId), { completed: done }).then(function (reply) {
        busy = false;
        button.removeAttribute("aria-disabled");
        guard(function () {
          if (reply.status === 401) {
            show(false, "");
            if (status) fillSignInNote(status);
            return;
          }
          if (reply.status !== 200 || !reply.data) {
            if (status) status.textContent = progressProblem(reply);
            return;
          }
          var answer = reply.data;
          markCompleted(lessonId, done);
          if (done && answer.certificate && answer.certificate.id) {
            show(true, "");
            if (status) {
              showCertificateLink(status, answer.certificate);
              status.querySelector("[data-lectern-certificate-link]").focus();
            }
            return;
          }
          if (done && complete.hasAttribute("data-lesson-continue") && answer.next && typeof answer.next.url === "string") {
            window.location.assign(answer.next.url);
            return;
          }
          show(done);
          if (done && answer.next && typeof answer.next.url === "string" && status) {
            status.appendChild(doc.createTextNode(" Next: "));
            var next = make("a", null, String(answer.next.title || "the next lesson"));
            next.href = answer.next.url;
            status.appendChild(next);
          }
          // The focused button was just hidden: keep the reader's place on its replacement.
          var replacement = done ? undo : complete;
          if (replacement) replacement.focus();
        });
      });
    }

    complete.addEventListener("click", function () {
      send(true, complete);
    });
    if (undo) {
      undo.addEventListener("click", function () {
        send(false, undo);
      });
    }
    show(entry.completed === true);
    box.hidden = false;
    panel.hidden = false;
  }

  /** On a course's pages, for a signed-in reader: ticks, progress, the lesson's buttons, and the
      visit that "continue where you left off" uses. A signed-out reader gets a quiet note. */
  function setUpProgress() {
    var holder = doc.querySelector("body[data-course-id], main[data-course-id]");
    var courseId = holder && holder.getAttribute("data-course-id");
    if (!courseId || typeof fetch !== "function" || typeof Promise === "undefined") return;
    var article = doc.querySelector("article[data-lesson-id]");
    var lessonId = article && article.getAttribute("data-lesson-id");
    var panel = doc.querySelector("[data-lesson-progress]");
    signedInUser().then(function (user) {
      guard(function () {
        if (user === null) {
          var note = panel && panel.querySelector("[data-lesson-progress-signed-out]");
          if (note) {
            fillSignInNote(note).hidden = false;
            panel.hidden = false;
          }
          return;
        }
        if (!user) return;
        if (lessonId) apiRequest("POST", lessonURL(lessonId) + "/visit");
        apiRequest("GET", progress.api + "/courses/" + encodeURIComponent(courseId)).then(function (reply) {
          guard(function () {
            if (reply.status !== 200 || !reply.data) return;
            showCourseProgress(reply.data);
            if (panel && lessonId) lessonControls(panel, lessonId, reply.data);
          });
        });
      });
    });
  }

  /** On a teaser: why the lesson is closed to this reader, from the access check the router
      asked too (401/402/403 with `{"error":{"message"}}`); any other answer leaves it hidden.
      A signed-in reader is not asked to sign in (`[data-locked-signin]` is hidden). */
  function setUpAccessReason() {
    var reason = doc.querySelector("[data-access-reason]");
    if (!reason || typeof fetch !== "function" || typeof Promise === "undefined") return;
    signedInUser().then(function (user) {
      if (!user) return;
      Array.prototype.forEach.call(doc.querySelectorAll("[data-locked-signin]"), function (element) {
        element.hidden = true;
      });
    });
    apiRequest("GET", "/api/access/check", undefined, { "X-Original-URI": window.location.pathname }).then(function (reply) {
      guard(function () {
        var error = reply.data && reply.data.error;
        if ((reply.status === 401 || reply.status === 402 || reply.status === 403)
          && error && typeof error.message === "string" && error.message) {
          reason.textContent = error.message;
          reason.hidden = false;
        }
      });
    });
  }

  /* ---------- Newsletter sign-up (leads) ---------- */

  var leadMessages = {
    success: "Thanks! You're on the list.",
    email: "Enter an email address like name@example.com.",
    consent: "Tick the box to say you want the newsletter.",
    name: "Keep the name under 120 characters, on one line.",
    rateLimited: "Too many attempts. Please wait a minute and try again.",
    unavailable: "Sign-up isn't available right now. Please try again later.",
    offline: "We couldn't reach the server. Check your connection and try again.",
    failed: "Something went wrong and you were not added. Please try again."
  };

  var leadStatusCount = 0;

  /** The theme's own words for a field the function named; null for any other name. */
  function fieldMessage(field) {
    return field === "email" || field === "consent" || field === "name" ? leadMessages[field] : null;
  }

  /** The form's status region, with an id so a field can point to it. */
  function leadStatus(form) {
    var status = form.querySelector("[data-lead-status]");
    if (status && !status.id) status.id = "lectern-lead-status-" + ++leadStatusCount;
    return status;
  }

  function markField(field, statusId) {
    field.setAttribute("aria-invalid", "true");
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(statusId) === -1) ids.push(statusId);
    field.setAttribute("aria-describedby", ids.join(" "));
  }

  /** Removes what markField added, keeping any description the theme set itself. */
  function unmarkField(field, statusId) {
    if (!field.hasAttribute("aria-invalid")) return;
    field.removeAttribute("aria-invalid");
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== statusId;
    });
    if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  /**
   * Shows `answer` ({state: "pending" | "success" | "error", message, field}) in the form's
   * status region; a named field is marked invalid and focused. Returns that field, if any.
   */
  function showLeadAnswer(form, answer) {
    var status = leadStatus(form);
    if (!status) return null;
    var fields = form.querySelectorAll("[aria-invalid]");
    for (var i = 0; i < fields.length; i++) unmarkField(fields[i], status.id);
    status.textContent = answer.message;
    status.classList.toggle("is-success", answer.state === "success");
    status.classList.toggle("is-error", answer.state === "error");
    var field = answer.field ? form.elements.namedItem(String(answer.field)) : null;
    if (!field || field.type === "hidden" || typeof field.focus !== "function") return null;
    markField(field, status.id);
    field.focus();
    return field;
  }

  function retryMessage(seconds) {
    if (!(seconds > 0)) return leadMessages.rateLimited;
    if (seconds < 90) return "Too many attempts. Please try again in " + seconds + (seconds === 1 ? " second." : " seconds.");
    return "Too many attempts. Please try again in " + Math.ceil(seconds / 60) + " minutes.";
  }

  /** Turns the function's reply into what the reader sees (see docs/THEME.md for the contract). */
  function leadAnswer(response, data) {
    var status = response.status;
    var error = data && data.error;
    var serverMessage = error && typeof error.message === "string" ? error.message : "";
    if ((status === 200 || status === 201) && data && data.lead) {
      var message = typeof data.message === "string" && data.message ? data.message : leadMessages.success;
      return { state: "success", message: message };
    }
    if (status === 429) {
      return { state: "error", message: retryMessage(parseInt(response.headers.get("Retry-After"), 10)) };
    }
    // No leads function behind this host (a plain static server), or it is down: say so plainly.
    if (!error || status === 404 || status === 405 || status === 501 || status >= 502) {
      return { state: "error", message: leadMessages.unavailable };
    }
    return {
      state: "error",
      message: serverMessage || fieldMessage(error.field) || leadMessages.failed,
      field: status === 422 ? error.field : null
    };
  }

  function postLead(form) {
    var fields = form.elements;
    function value(name) {
      var field = fields.namedItem(name);
      return field && typeof field.value === "string" ? field.value.trim() : "";
    }
    var consent = fields.namedItem("consent");
    var lead = { email: value("email"), consent: Boolean(consent && consent.checked) };
    if (value("name")) lead.name = value("name");
    lead.source = value("source") || window.location.pathname;
    return fetch(form.getAttribute("action") || "/api/leads", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(lead)
    }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            return leadAnswer(response, data);
          });
      },
      function () {
        return { state: "error", message: leadMessages.offline };
      }
    );
  }

  /** Posts the form as JSON and answers in place; without fetch the browser posts it as usual. */
  function enhanceLeadForm(form) {
    var button = form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
    var sending = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) return;
      sending = true;
      // aria-disabled rather than disabled: a disabled button drops keyboard focus mid-send.
      if (button) button.setAttribute("aria-disabled", "true");
      form.setAttribute("aria-busy", "true");
      showLeadAnswer(form, { state: "pending", message: "Sending…" });
      postLead(form)
        .catch(function () {
          return { state: "error", message: leadMessages.failed };
        })
        .then(function (answer) {
          sending = false;
          if (button) button.removeAttribute("aria-disabled");
          form.removeAttribute("aria-busy");
          guard(function () {
            if (answer.state === "success") form.reset();
            showLeadAnswer(form, answer);
          });
        });
    });

    function clearMark(event) {
      var status = leadStatus(form);
      if (status && event.target && event.target.hasAttribute && event.target.hasAttribute("aria-invalid")) {
        unmarkField(event.target, status.id);
      }
    }
    form.addEventListener("input", clearMark);
    form.addEventListener("change", clearMark);
  }

  /** After a form post without JavaScript the function redirects back with ?lead=ok|error. */
  function showLeadResultFromURL(forms) {
    if (typeof URLSearchParams !== "function") return;
    var params = new URLSearchParams(window.location.search);
    var result = params.get("lead");
    if (result !== "ok" && result !== "error") return;
    var form = null;
    for (var i = 0; i < forms.length && !form; i++) {
      if (forms[i].getClientRects().length) form = forms[i];
    }
    form = form || forms[0];
    var field = params.get("field");
    var code = params.get("code");
    var answer =
      result === "ok"
        ? { state: "success", message: leadMessages.success }
        : {
            state: "error",
            field: field,
            message:
              fieldMessage(field) ||
              (code === "rate_limited" && leadMessages.rateLimited) ||
              (code === "function_unavailable" && leadMessages.unavailable) ||
              leadMessages.failed
          };
    var focused = showLeadAnswer(form, answer);
    var status = leadStatus(form);
    if (!focused && status) {
      // The reader has just sent this form, so take them to its answer.
      status.tabIndex = -1;
      status.focus();
    }
    // Drop the result from the address, so a reload or a shared link does not show it again.
    params.delete("lead");
    params.delete("field");
    params.delete("code");
    if (window.history && typeof window.history.replaceState === "function") {
      var query = params.toString();
      window.history.replaceState(
        window.history.state,
        "",
        window.location.pathname + (query ? "?" + query : "") + window.location.hash
      );
    }
  }

  function setUpLeadForms() {
    var forms = doc.querySelectorAll("[data-lead-form]");
    if (!forms.length) return;
    if (typeof fetch === "function" && typeof Promise !== "undefined") {
      Array.prototype.forEach.call(forms, function (form) {
        guard(function () {
          enhanceLeadForm(form);
        });
      });
    }
    showLeadResultFromURL(forms);
  }

  /* ---------- Quizzes (graded by the progress function; no answer is ever in the page) ---------- */

  var quizMessages = {
    checking: "Checking…",
    unanswered: "Answer this question first.",
    unansweredStatus: "Some questions have no answer yet.",
    unavailable: "Quiz checking is not available on this site yet; nothing was sent.",
    offline: "We couldn't reach the server. Check your connection and try again.",
    retryWrong: "Retry only what I got wrong",
    retryAll: "Answer every question again",
    checkAll: "Check answers",
    checkWrong: "Check these answers",
    wrongMode: "Change the answers you got wrong, then check them again. The others keep their marks."
  };

  /** `data-quiz` is `LESSON-ID/QUIZ-ID`, and lesson ids hold `/`: split at the last one. The
      lesson id is sent as ONE percent-encoded segment (docs/THEME.md). */
  function quizURL(key) {
    var cut = key.lastIndexOf("/");
    return progress.api + "/quizzes/" + encodeURIComponent(key.slice(0, cut)) + "/" + encodeURIComponent(key.slice(cut + 1));
  }

  /** A key for one submission: a resend after a network failure is answered once, not twice. */
  function idempotencyKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  /** One question's answer as the API takes it, or null when it has none yet. */
  function questionAnswer(question) {
    var type = question.getAttribute("data-type");
    if (type === "ordering") {
      var order = [];
      var selects = question.querySelectorAll("select[data-item]");
      for (var j = 0; j < selects.length; j++) {
        if (!selects[j].value) return null;
        order.push({ item: selects[j].getAttribute("data-item"), position: Number(selects[j].value) || 0 });
      }
      order.sort(function (a, b) { return a.position - b.position; });
      return order.map(function (entry) { return entry.item; });
    }
    if (type === "tracing") {
      var choice = question.querySelector("input[type=radio]:checked");
      if (!choice) return null;
      var output = question.querySelector("textarea");
      var lineInput = question.querySelector("input[type=text]");
      return {
        compiles: choice.value === "compiles",
        output: output ? output.value : "",
        line: lineInput && lineInput.value ? Number(lineInput.value) : null
      };
    }
    if (type === "short" || type === "numeric") {
      var input = question.querySelector("input");
      return input && input.value.trim() ? input.value : null;
    }
    var checked = question.querySelectorAll("input:checked");
    return checked.length ? Array.prototype.map.call(checked, function (box) { return box.value; }) : null;
  }

  /** The text a revealed answer stands for: option labels for option ids, the item texts in order. */
  function answerText(question, answer) {
    function optionText(id) {
      var input = question.querySelector('input[value="' + String(id).replace(/["\\]/g, "\\$&") + '"]');
      var label = input && input.closest("label");
      if (input && label) return label.textContent.replace(/\s+/g, " ").trim();
      var select = question.querySelector('select[data-item="' + String(id).replace(/["\\]/g, "\\$&") + '"]');
      label = select && select.closest("label");
      var first = label && label.firstChild;
      return first && first.nodeType === 3 ? first.textContent.trim() : String(id);
    }
    if (Array.isArray(answer)) {
      var texts = answer.map(optionText);
      return question.getAttribute("data-type") === "ordering" ? texts.join(" → ") : texts.join("; ");
    }
    if (answer && typeof answer === "object") {
      if (answer.compiles === false) return "It does not compile" + (answer.line ? "; the error is on line " + answer.line : "") + ".";
      return "It compiles and prints: " + String(answer.output || "");
    }
    return String(answer);
  }

  /** Per-question marks and feedback, and the right answers when the quiz's policy reveals them. */
  function showQuizResult(form, data) {
    var results = (data && data.questions) || {};
    var questions = form.querySelectorAll("[data-question]");
    for (var i = 0; i < questions.length; i++) {
      var question = questions[i];
      var result = results[question.getAttribute("data-question")];
      var feedback = question.querySelector("[data-quiz-feedback]");
      if (!result) continue;
      question.setAttribute("data-correct", result.correct ? "true" : "false");
      if (!feedback) continue;
      feedback.textContent = "";
      feedback.appendChild(make("strong", null, result.correct ? "Correct." : "Not quite."));
      if (result.feedback) feedback.appendChild(doc.createTextNode(" " + result.feedback));
      if (data.revealed && !result.correct && result.answer !== undefined && result.answer !== null) {
        var reveal = make("span", "quiz-revealed");
        reveal.setAttribute("data-quiz-revealed", "");
        reveal.textContent = " The right answer: " + answerText(question, result.answer);
        feedback.appendChild(reveal);
      }
    }
  }

  /** "2 attempts left." / "No attempts left." / "" (no limit). */
  function attemptsText(left) {
    if (typeof left !== "number") return "";
    return left === 0 ? " You have no attempts left." : " " + left + (left === 1 ? " attempt left." : " attempts left.");
  }

  function percent(score) {
    return Math.round((Number(score) || 0) * 100) + "%";
  }

  /** `shuffle: true` quizzes show each choice question's options in a new order on every visit
      (the ids stay, so grading is unchanged); true/false keeps its order. */
  function shuffleOptions(form) {
    if (form.getAttribute("data-quiz-shuffle") !== "true") return;
    var questions = form.querySelectorAll('[data-type="single"] fieldset, [data-type="multiple"] fieldset');
    Array.prototype.forEach.call(questions, function (fieldset) {
      var options = Array.prototype.slice.call(fieldset.querySelectorAll(".quiz-option"));
      for (var i = options.length - 1; i > 0; i--) {
        var j = Math.floor(Math.random() * (i + 1));
        var swap = options[i];
        options[i] = options[j];
        options[j] = swap;
      }
      options.forEach(function (option) {
        fieldset.appendChild(option);
      });
    });
  }

  /** Quizzes are graded by the progress API; a signed-out reader is told to sign in, and without
      the API the form says checking is not available. */
  function setUpQuizzes() {
    var forms = doc.querySelectorAll("form[data-quiz]");
    if (!forms.length || typeof fetch !== "function" || typeof Promise === "undefined") return;
    var user = signedInUser();
    Array.prototype.forEach.call(forms, function (form) {
      guard(function () {
        shuffleOptions(form);
      });
      guard(function () {
        enhanceQuiz(form, user);
      });
    });
  }

  function enhanceQuiz(form, user) {
    var key = form.getAttribute("data-quiz") || "";
    if (key.lastIndexOf("/") <= 0) return;
    var url = quizURL(key);
    var status = form.querySelector("[data-quiz-status]");
    var submit = form.querySelector("button[type=submit]");
    var actions = form.querySelector(".quiz-actions") || (submit && submit.parentNode);
    var note = make("p", "quiz-note");
    note.setAttribute("data-quiz-note", "");
    note.hidden = true;
    var retryWrong = make("button", "button", quizMessages.retryWrong);
    retryWrong.type = "button";
    retryWrong.hidden = true;
    retryWrong.setAttribute("data-quiz-retry-wrong", "");
    var retryAll = make("button", "button", quizMessages.retryAll);
    retryAll.type = "button";
    retryAll.hidden = true;
    retryAll.setAttribute("data-quiz-retry-all", "");
    if (actions) {
      actions.appendChild(retryWrong);
      actions.appendChild(retryAll);
      actions.parentNode.insertBefore(note, actions);
    }
    var state = { wrong: [], onlyWrong: false, busy: false, signedOut: false, pendingKey: null, closed: false };

    function setStatus(text) {
      if (status) status.textContent = text;
    }

    function signedOut() {
      state.signedOut = true;
      fillSignInNote(note).hidden = false;
    }

    /** Only the questions got wrong can be changed; the others keep their marks. */
    function lockRight(on) {
      state.onlyWrong = on;
      var questions = form.querySelectorAll("[data-question]");
      var firstOpen = null;
      for (var i = 0; i < questions.length; i++) {
        var question = questions[i];
        var locked = on && state.wrong.indexOf(question.getAttribute("data-question")) === -1;
        question.classList.toggle("is-locked", locked);
        var fields = question.querySelectorAll("input, select, textarea");
        for (var j = 0; j < fields.length; j++) fields[j].disabled = locked;
        if (on && !locked && !firstOpen) firstOpen = fields[0];
      }
      retryWrong.hidden = true;
      retryAll.hidden = !on;
      if (submit) submit.textContent = on ? quizMessages.checkWrong : quizMessages.checkAll;
      if (on) {
        setStatus(quizMessages.wrongMode);
        if (firstOpen) firstOpen.focus();
      }
    }

    /** After an attempt or on load: what can be done next. */
    function offerRetry(passed, left) {
      state.closed = !passed && left === 0;
      if (submit) {
        if (state.closed) submit.setAttribute("aria-disabled", "true");
        else submit.removeAttribute("aria-disabled");
      }
      retryWrong.hidden = passed || state.closed || !state.wrong.length;
      retryAll.hidden = true;
    }

    function showAnswer(data) {
      state.wrong = Array.isArray(data.wrong) ? data.wrong.map(String) : [];
      lockRight(false);
      showQuizResult(form, data);
      var text = data.passed
        ? "Passed with " + percent(data.score) + ". Well done!"
        : "You scored " + percent(data.score) + ": not passed yet." + (state.wrong.length ? " " + state.wrong.length + " to fix." : "");
      setStatus(text + attemptsText(data.attempts_left));
      if (data.certificate && data.certificate.id && status) {
        status.appendChild(doc.createTextNode(" "));
        showCertificateLink(status, data.certificate);
      }
      offerRetry(data.passed === true, data.attempts_left);
    }

    function collect() {
      var answers = {};
      var missing = [];
      var questions = form.querySelectorAll("[data-question]");
      for (var i = 0; i < questions.length; i++) {
        var question = questions[i];
        var id = question.getAttribute("data-question");
        if (state.onlyWrong && state.wrong.indexOf(id) === -1) continue;
        var answer = questionAnswer(question);
        if (answer === null) {
          missing.push(question);
          var feedback = question.querySelector("[data-quiz-feedback]");
          if (feedback) feedback.textContent = quizMessages.unanswered;
          question.setAttribute("data-correct", "false");
        } else {
          answers[id] = answer;
        }
      }
      if (missing.length) {
        setStatus(quizMessages.unansweredStatus);
        var field = missing[0].querySelector("input, select, textarea");
        if (field) field.focus();
        return null;
      }
      return answers;
    }

    retryWrong.addEventListener("click", function () {
      lockRight(true);
    });
    retryAll.addEventListener("click", function () {
      lockRight(false);
      setStatus("");
      var first = form.querySelector("[data-question] input, [data-question] select, [data-question] textarea");
      if (first) first.focus();
    });
    form.addEventListener("input", function () {
      state.pendingKey = null;
    });
    form.addEventListener("change", function () {
      state.pendingKey = null;
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (state.busy || state.closed) return;
      if (state.signedOut) {
        setStatus("");
        fillSignInNote(status || note);
        return;
      }
      var answers = collect();
      if (!answers) return;
      state.busy = true;
      if (submit) submit.setAttribute("aria-disabled", "true");
      setStatus(quizMessages.checking);
      // A resend of the same answers after a network failure keeps its key.
      var keyForSend = state.pendingKey || idempotencyKey();
      state.pendingKey = keyForSend;
      apiRequest("POST", url + "/attempts", { answers: answers, only_wrong: state.onlyWrong }, { "Idempotency-Key": keyForSend })
        .then(function (reply) {
          state.busy = false;
          if (submit) submit.removeAttribute("aria-disabled");
          guard(function () {
            if (reply.status !== 0) state.pendingKey = null;
            if ((reply.status === 200 || reply.status === 201) && reply.data && reply.data.questions) {
              showAnswer(reply.data);
            } else if (reply.status === 401) {
              signedOut();
              setStatus("");
            } else if (reply.status === 0) {
              setStatus(quizMessages.offline);
            } else if (reply.data && reply.data.error && reply.status !== 404 && reply.status < 500) {
              setStatus(String(reply.data.error.message || quizMessages.unavailable));
              if (reply.data.error.code === "no_attempts_left") offerRetry(false, 0);
            } else {
              setStatus(quizMessages.unavailable);
            }
          });
        });
    });

    user.then(function (who) {
      guard(function () {
        if (who === null) return signedOut();
        if (!who) return;
        // Where the reader left this quiz: passed, the best score, attempts left, what to fix.
        apiRequest("GET", url).then(function (reply) {
          guard(function () {
            var data = reply.data;
            if (reply.status !== 200 || !data || !Array.isArray(data.attempts) || !data.attempts.length) return;
            state.wrong = Array.isArray(data.wrong) ? data.wrong.map(String) : [];
            var best = typeof data.best_score === "number" ? " Your best score: " + percent(data.best_score) + "." : "";
            setStatus((data.passed ? "You have passed this quiz." : "Not passed yet.") + best + attemptsText(data.attempts_left));
            offerRetry(data.passed === true, data.attempts_left);
          });
        });
      });
    });
  }

  /* ---------- Buying (the payments function: `POST /api/payments/checkout`) ---------- */

  var checkout = {
    api: "/api/payments",
    messages: {
      starting: "Taking you to checkout…",
      offline: "We couldn't reach the server. Check your connection and try again.",
      unavailable: "Checkout is not available right now. Please try again later.",
      notForSale: "This plan cannot be bought online yet.",
      notConfigured: "Payments are not set up on this site yet."
    }
  };

  /** The offer a link buys: `…#checkout-<offer>` (the offers' `cta_url`), or null. */
  function checkoutOffer(link) {
    var href = link.getAttribute("href") || "";
    var match = /#checkout-([A-Za-z0-9_-]+)$/.exec(href);
    return match ? match[1] : null;
  }

  /** Where a checkout problem is written: the offer card's `[data-checkout-status]`, made when the
      layout has none. */
  function checkoutStatus(link) {
    var card = link.closest ? link.closest(".offer") : null;
    var status = card && card.querySelector("[data-checkout-status]");
    if (!status) {
      status = make("p", "offer-status");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      status.setAttribute("data-checkout-status", "");
      link.parentNode.parentNode.insertBefore(status, link.parentNode.nextSibling);
    }
    return status;
  }

  function checkoutProblem(reply) {
    var code = reply.data && reply.data.error && reply.data.error.code;
    if (reply.status === 0) return checkout.messages.offline;
    if (code === "offer_not_for_sale") return checkout.messages.notForSale;
    if (code === "payments_not_configured") return checkout.messages.notConfigured;
    if (reply.data && reply.data.error && reply.data.error.message && reply.status !== 404) return String(reply.data.error.message);
    return checkout.messages.unavailable;
  }

  /** The sign-in page, coming back to the pricing page's `#checkout-<offer>`, which then starts it. */
  function checkoutSignInURL(offer) {
    return signInURL() + "%23checkout-" + encodeURIComponent(offer);
  }

  /** Asks for a Checkout Session and goes there; signed out, goes to sign in first. */
  function startCheckout(link, offer) {
    var status = checkoutStatus(link);
    if (link.getAttribute("aria-disabled") === "true") return;
    signedInUser().then(function (user) {
      if (user === null) {
        window.location.assign(checkoutSignInURL(offer));
        return;
      }
      link.setAttribute("aria-disabled", "true");
      status.textContent = checkout.messages.starting;
      apiRequest("POST", checkout.api + "/checkout", { offer: offer }).then(function (reply) {
        guard(function () {
          if (reply.status === 200 && reply.data && typeof reply.data.url === "string") {
            window.location.assign(reply.data.url);
            return;
          }
          link.removeAttribute("aria-disabled");
          if (reply.status === 401) {
            signedOutLocally();
            window.location.assign(checkoutSignInURL(offer));
            return;
          }
          status.textContent = checkoutProblem(reply);
        });
      });
    });
  }

  function setUpCheckout() {
    if (typeof fetch !== "function" || typeof Promise === "undefined") return;
    var links = Array.prototype.filter.call(doc.querySelectorAll("a[href*='#checkout-']"), checkoutOffer);
    var pending = /^#checkout-([A-Za-z0-9_-]+)$/.exec(window.location.hash);
    links.forEach(function (link) {
      var offer = checkoutOffer(link);
      link.setAttribute("data-checkout-offer", offer);
      link.addEventListener("click", function (event) {
        // Another page's pricing link (the header, a course page) just goes to the pricing page.
        var target = new URL(link.href, window.location.href);
        if (target.pathname !== window.location.pathname) return;
        event.preventDefault();
        startCheckout(link, offer);
      });
      if (pending && pending[1] === offer) {
        // Back from signing in: go on to the checkout. The hash goes first, so the browser's Back
        // button from Stripe does not open a second one.
        if (window.history && history.replaceState) history.replaceState(null, "", window.location.pathname + window.location.search);
        if (hasSessionHint()) startCheckout(link, offer);
      }
    });
  }

  /** `?checkout=cancelled` (pricing) and `?checkout=success` (the learning dashboard): Stripe sends
      the buyer back with these; the matching `[data-checkout-cancelled]` / `[data-checkout-success]`
      note is shown and the parameters leave the address. */
  function setUpCheckoutNotes() {
    if (typeof URLSearchParams !== "function") return;
    var query = new URLSearchParams(window.location.search);
    var state = query.get("checkout");
    if (state !== "cancelled" && state !== "success") return;
    var note = doc.querySelector(state === "success" ? "[data-checkout-success]" : "[data-checkout-cancelled]");
    if (!note) return;
    note.hidden = false;
    query.delete("checkout");
    query.delete("session_id");
    var rest = query.toString();
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    }
  }

  /* What `assets/account.js` (the account, learning and certificate pages) uses of this file. */
  window.Lectern = {
    auth: auth,
    guard: guard,
    make: make,
    apiRequest: apiRequest,
    authRequest: authRequest,
    currentSession: currentSession,
    signedInUser: signedInUser,
    signedOutLocally: signedOutLocally,
    showHeaderUser: showHeaderUser,
    retryMessage: retryMessage,
    signInURL: signInURL,
    hasSessionHint: hasSessionHint,
    progressAPI: progress.api,
    certificatePath: certificatePath
  };

  function start() {
    guard(setUpCheckout);
    guard(setUpCheckoutNotes);
    guard(setUpQuizzes);
    guard(setUpSearch);
    guard(setUpAccount);
    guard(setUpCourseNav);
    guard(setUpProgress);
    guard(setUpAccessReason);
    guard(setUpLeadForms);
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
