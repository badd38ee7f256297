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

  /* ---------- Account ---------- */

  function setUpAccount() {
    var slot = doc.querySelector("[data-lectern-account]");
    if (!slot) return;
    var request = getJSON("/api/auth/me");
    if (!request) return;
    request.then(function (data) {
      guard(function () {
        var user = data && data.user;
        var name = user && (user.name || user.email);
        if (!name) return;
        slot.textContent = "";
        var label = make("span", "site-account-name", String(name));
        if (user.email) label.title = String(user.email);
        var signOut = make("a", "site-account-signout", "Sign out");
        signOut.href = slot.getAttribute("data-sign-out") || "/api/auth/logout";
        slot.appendChild(label);
        slot.appendChild(signOut);
        slot.hidden = false;
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

  /* ---------- Progress ---------- */

  function setUpProgress() {
    var holder = doc.querySelector("body[data-course-id], main[data-course-id]");
    var courseId = holder && holder.getAttribute("data-course-id");
    if (!courseId) return;
    var request = getJSON("/api/progress/courses/" + encodeURIComponent(courseId));
    if (!request) return;
    request.then(function (data) {
      guard(function () {
        if (!data || !Array.isArray(data.completed)) return;
        var done = {};
        data.completed.forEach(function (id) {
          done[String(id)] = true;
        });
        var elements = doc.querySelectorAll("[data-lesson-id]");
        var syllabus = {};
        for (var i = 0; i < elements.length; i++) {
          var element = elements[i];
          var id = element.getAttribute("data-lesson-id");
          var isDone = Object.prototype.hasOwnProperty.call(done, id);
          if (element.closest(".syllabus")) syllabus[id] = isDone;
          if (!isDone || element.classList.contains("is-complete")) continue;
          element.classList.add("is-complete");
          var label = element.tagName === "A" ? element : element.querySelector(".lesson-item-title");
          if (label) label.appendChild(make("span", "visually-hidden", " (completed)"));
        }
        var ids = Object.keys(syllabus);
        var total = ids.length;
        var complete = ids.filter(function (key) {
          return syllabus[key];
        }).length;
        var summary = doc.querySelector("[data-lectern-progress]");
        if (summary && total > 0 && complete > 0) {
          summary.textContent = "You have completed " + complete + " of " + total + " lessons.";
          summary.hidden = false;
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

  /* ---------- Quizzes ---------- */

  /** The answers in a quiz form, keyed by question id (the contract of the progress API). */
  function quizAnswers(form) {
    var answers = {};
    var questions = form.querySelectorAll("[data-question]");
    for (var i = 0; i < questions.length; i++) {
      var question = questions[i];
      var id = question.getAttribute("data-question");
      var type = question.getAttribute("data-type");
      if (type === "ordering") {
        var order = [];
        var selects = question.querySelectorAll("select[data-item]");
        for (var j = 0; j < selects.length; j++) {
          order.push({ item: selects[j].getAttribute("data-item"), position: Number(selects[j].value) || 0 });
        }
        order.sort(function (a, b) { return a.position - b.position; });
        answers[id] = order.map(function (entry) { return entry.item; });
      } else if (type === "tracing") {
        var choice = question.querySelector("input[type=radio]:checked");
        var output = question.querySelector("textarea");
        var lineInput = question.querySelector("input[type=text]");
        answers[id] = {
          compiles: choice ? choice.value === "compiles" : null,
          output: output ? output.value : "",
          line: lineInput && lineInput.value ? Number(lineInput.value) : null
        };
      } else if (type === "short" || type === "numeric") {
        var input = question.querySelector("input");
        answers[id] = input ? input.value : "";
      } else {
        var checked = question.querySelectorAll("input:checked");
        answers[id] = Array.prototype.map.call(checked, function (box) { return box.value; });
      }
    }
    return answers;
  }

  function showQuizResult(form, data) {
    var results = (data && data.questions) || {};
    var questions = form.querySelectorAll("[data-question]");
    for (var i = 0; i < questions.length; i++) {
      var result = results[questions[i].getAttribute("data-question")];
      var feedback = questions[i].querySelector("[data-quiz-feedback]");
      if (!feedback || !result) continue;
      feedback.textContent = (result.correct ? "Correct. " : "Not quite. ") + (result.feedback || "");
      questions[i].setAttribute("data-correct", result.correct ? "true" : "false");
    }
  }

  /** Quizzes are graded by the progress API (`POST /api/progress/quizzes/{lesson}/{quiz}/attempts`);
      without it, the form says so and sends nothing anywhere else. */
  function setUpQuizzes() {
    var forms = doc.querySelectorAll("form[data-quiz]");
    Array.prototype.forEach.call(forms, function (form) {
      var status = form.querySelector("[data-quiz-status]");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (typeof fetch !== "function") return;
        var url = "/api/progress/quizzes/" + form.getAttribute("data-quiz").split("/").map(encodeURIComponent).join("/") + "/attempts";
        if (status) status.textContent = "Checking…";
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ answers: quizAnswers(form) })
        })
          .then(function (response) {
            return response.json().then(
              function (data) { return { status: response.status, data: data }; },
              function () { return { status: response.status, data: null }; }
            );
          })
          .then(function (reply) {
            if (reply.status === 200 || reply.status === 201) {
              showQuizResult(form, reply.data);
              if (status) {
                var score = reply.data && typeof reply.data.score === "number" ? Math.round(reply.data.score * 100) + "%. " : "";
                status.textContent = score + (reply.data && reply.data.passed ? "Passed — well done." : "Not passed yet: try the ones you missed again.");
              }
            } else if (reply.status === 401) {
              if (status) status.textContent = "Sign in to have your answers checked.";
            } else if (reply.data && reply.data.error && reply.status !== 404) {
              if (status) status.textContent = reply.data.error.message;
            } else if (status) {
              status.textContent = "Quiz checking is not available on this site yet; nothing was sent.";
            }
          })
          .catch(function () {
            if (status) status.textContent = "Could not reach the server. Check your connection and try again.";
          });
      });
    });
  }

  /* ---------- Copy templates ---------- */

  /** The template forms post to the generate function (`POST /api/generate`, its own issue);
      until it exists the form says so instead of reloading the page. */
  function setUpTemplateForms() {
    var forms = doc.querySelectorAll("form[data-generate-form]");
    Array.prototype.forEach.call(forms, function (form) {
      var status = form.querySelector("[data-generate-status]");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (typeof fetch !== "function") return;
        var inputs = {};
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name) inputs[field.name] = field.value;
        });
        if (status) status.textContent = "Generating…";
        fetch("/api/generate", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "text/event-stream, application/json" },
          body: JSON.stringify({ template: form.getAttribute("data-template"), inputs: inputs })
        })
          .then(function (response) {
            if (!status) return;
            if (response.status === 401) status.textContent = "Sign in to generate copy.";
            else if (response.status === 404 || response.status === 405) status.textContent = "Generation is not available on this site yet.";
            else if (!response.ok) status.textContent = "The generator could not answer (" + response.status + "). Try again.";
            else status.textContent = "";
          })
          .catch(function () {
            if (status) status.textContent = "Could not reach the server. Check your connection and try again.";
          });
      });
    });
  }

  function start() {
    guard(setUpTemplateForms);
    guard(setUpQuizzes);
    guard(setUpSearch);
    guard(setUpAccount);
    guard(setUpCourseNav);
    guard(setUpProgress);
    guard(setUpLeadForms);
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
