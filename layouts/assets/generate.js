/* Lectern default theme: the copy generator — the template pages' form (`POST /api/generate`,
   streamed as server-sent events), the history page (`/account/generations/`) and the batch jobs
   page (`/account/batches/`). Loaded after `site.js` by the `template`, `generations` and
   `batches` layouts; uses its helpers (`window.Lectern`).
   Everything the model or the user wrote is inserted as text, never as HTML. */
(function () {
  "use strict";

  var lectern = window.Lectern;
  if (!lectern || typeof fetch !== "function" || typeof Promise === "undefined") return;

  var doc = document;
  var guard = lectern.guard;
  var make = lectern.make;
  var apiRequest = lectern.apiRequest;
  var api = "/api/generate";

  var messages = {
    generating: "Generating…",
    offline: "We couldn't reach the server. Check your connection and try again.",
    unavailable: "The generator is not available right now. Please try again later.",
    interrupted: "The answer stopped before it was complete. Try again.",
    missing: "Fill in this field.",
    fixFields: "Check the highlighted fields.",
    copied: "Copied",
    copyFailed: "Could not copy: select the text and copy it yourself."
  };

  /* ---------- Shared bits ---------- */

  function signInLink(text) {
    var link = make("a", null, text);
    link.href = lectern.signInURL();
    return link;
  }

  function retryText(reply) {
    var after = reply.response && reply.response.headers.get("Retry-After");
    return after && lectern.retryMessage ? " " + lectern.retryMessage(Number(after)) : "";
  }

  /** A copy button for `text`; "Copied" is shown beside it and announced. */
  function copyButton(label, text) {
    var wrap = make("span", "generate-copy");
    var button = make("button", "button button-small", "Copy");
    button.type = "button";
    button.setAttribute("aria-label", "Copy " + label);
    button.setAttribute("data-generate-copy", "");
    var note = make("span", "generate-copied");
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      var done = function (ok) {
        note.textContent = ok ? messages.copied : messages.copyFailed;
        setTimeout(function () { note.textContent = ""; }, 4000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      } else {
        done(false);
      }
    });
    wrap.appendChild(button);
    wrap.appendChild(note);
    return wrap;
  }

  /** The fields of one variant as a list: label, text, length against the limit, copy button. */
  function fieldList(fields, outputs) {
    var list = make("dl", "generate-fields");
    var names = outputs.map(function (output) { return output.name; });
    Object.keys(fields || {}).forEach(function (name) {
      if (names.indexOf(name) === -1) names.push(name);
    });
    names.forEach(function (name) {
      if (!fields || typeof fields[name] !== "string") return;
      var output = outputs.filter(function (o) { return o.name === name; })[0] || { name: name, label: name };
      var text = fields[name];
      var row = make("div", "generate-field");
      row.setAttribute("data-generate-field", name);
      var term = make("dt", null, output.label);
      if (output.max) {
        var count = make("span", "generate-count" + (text.length > output.max ? " is-over" : ""),
          " " + text.length + "/" + output.max);
        count.setAttribute("data-generate-count", "");
        term.appendChild(count);
      }
      row.appendChild(term);
      var value = make("dd");
      value.appendChild(make("span", "generate-text", text)).setAttribute("data-generate-text", "");
      value.appendChild(copyButton(output.label, text));
      row.appendChild(value);
      list.appendChild(row);
    });
    return list;
  }

  /* ---------- The template form ---------- */

  function outputsOf(form) {
    return Array.prototype.map.call(form.querySelectorAll("[data-output]"), function (element) {
      return {
        name: element.getAttribute("data-output"),
        label: element.getAttribute("data-output-label") || element.getAttribute("data-output"),
        max: Number(element.getAttribute("data-output-max")) || 0
      };
    });
  }

  /** The QC badge: passed, warnings, hard failures, and each check's message. */
  function scorecardView(scorecard) {
    var box = make("details", "generate-qc");
    box.setAttribute("data-generate-qc", "");
    var hard = Number(scorecard.hardFailureCount) || 0;
    var warnings = Number(scorecard.warningCount) || 0;
    var state = hard ? "failed" : warnings ? "warnings" : "passed";
    box.setAttribute("data-qc", state);
    var summary = make("summary", "generate-badge is-" + state,
      hard ? "QC: " + hard + " hard failure" + (hard === 1 ? "" : "s") + (warnings ? ", " + warnings + " warning" + (warnings === 1 ? "" : "s") : "")
        : warnings ? "QC passed with " + warnings + " warning" + (warnings === 1 ? "" : "s") : "QC passed");
    box.appendChild(summary);
    var list = make("ul", "generate-checks");
    (Array.isArray(scorecard.checks) ? scorecard.checks : []).forEach(function (check) {
      var mark = check.passed ? "✓ " : check.severity === "hard" ? "✗ " : "! ";
      var item = make("li", check.passed ? "is-passed" : "is-" + (check.severity === "hard" ? "failed" : "warning"), mark + String(check.message || check.id));
      item.setAttribute("data-check", String(check.id || ""));
      if (!check.passed && check.fix) item.appendChild(make("span", "generate-fix", " " + String(check.fix)));
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function enhanceGenerateForm(form) {
    var template = form.getAttribute("data-template");
    var status = form.querySelector("[data-generate-status]");
    var results = form.querySelector("[data-generate-results]");
    var usage = form.querySelector("[data-generate-usage]");
    var submit = form.querySelector("button[type=submit]");
    var fresh = form.querySelector("[data-generate-fresh]");
    var signedOutPanel = doc.querySelector("[data-generate-signed-out]");
    var outputs = outputsOf(form);
    var state = { busy: false, signedOut: false, cards: [] };

    function setStatus(text, node) {
      if (!status) return;
      status.textContent = text || "";
      if (node) status.appendChild(node);
    }

    function showSignedOut() {
      state.signedOut = true;
      if (signedOutPanel) {
        var link = signedOutPanel.querySelector("[data-generate-signin]");
        if (link) link.href = lectern.signInURL();
        signedOutPanel.hidden = false;
      }
    }

    function fieldFor(name) {
      return name ? form.querySelector('[name="' + String(name).replace(/["\\]/g, "") + '"]') : null;
    }

    function markField(field, message) {
      var error = doc.getElementById(field.id + "-error");
      field.setAttribute("aria-invalid", "true");
      if (error) {
        error.textContent = message;
        error.hidden = false;
        var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (described.indexOf(error.id) === -1) described.push(error.id);
        field.setAttribute("aria-describedby", described.join(" "));
      }
    }

    function clearField(field) {
      var error = doc.getElementById(field.id + "-error");
      field.removeAttribute("aria-invalid");
      if (error) {
        error.textContent = "";
        error.hidden = true;
        var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== error.id; });
        if (described.length) field.setAttribute("aria-describedby", described.join(" "));
        else field.removeAttribute("aria-describedby");
      }
    }

    function clearFields() {
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), clearField);
    }

    /** The inputs, or null after marking the required ones left empty. */
    function collect() {
      var inputs = {};
      var missing = [];
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "submit" || field.type === "button") return;
        var value = field.value.trim();
        if (field.required && !value) missing.push(field);
        else if (value) inputs[field.name] = value;
      });
      if (!missing.length) return inputs;
      missing.forEach(function (field) { markField(field, messages.missing); });
      setStatus(messages.fixFields);
      missing[0].focus();
      return null;
    }

    /** A JSON error (or an `error` event): beside its field when it names one, and in the status. */
    function showError(error, reply) {
      var message = String((error && error.message) || messages.unavailable);
      var name = error && typeof error.field === "string" ? error.field.replace(/^inputs\./, "") : null;
      var field = error && typeof error.field === "string" && error.field.indexOf("inputs.") === 0 ? fieldFor(name) : null;
      if (field) {
        markField(field, message);
        field.focus();
      }
      setStatus(message + (reply ? retryText(reply) : ""));
    }

    function card(index) {
      if (!state.cards[index]) {
        var element = make("article", "generate-variant");
        element.setAttribute("data-generate-variant", String(index));
        element.setAttribute("aria-busy", "true");
        var heading = make("h2", "generate-variant-title", "Variant " + (index + 1));
        var markers = make("span", "generate-markers");
        heading.appendChild(markers);
        element.appendChild(heading);
        var note = make("p", "generate-note");
        note.hidden = true;
        element.appendChild(note);
        var stream = make("pre", "generate-stream");
        stream.setAttribute("data-generate-stream", "");
        element.appendChild(stream);
        results.appendChild(element);
        state.cards[index] = { element: element, markers: markers, note: note, stream: stream, body: null };
      }
      return state.cards[index];
    }

    function marker(target, text, name) {
      var badge = make("span", "generate-marker", text);
      badge.setAttribute("data-generate-marker", name);
      target.markers.appendChild(badge);
    }

    var draftLabel = null;

    function onStart(data) {
      if (data.draft && !draftLabel) {
        draftLabel = make("p", "generate-draft", "Template draft: no AI model is configured on this site, so these variants are assembled from your own inputs. Edit them before use.");
        draftLabel.setAttribute("data-generate-draft", "");
        results.insertBefore(draftLabel, results.firstChild);
      }
    }

    function onDelta(data) {
      var target = card(Number(data.variant) || 0);
      target.stream.textContent += String(data.text || "");
    }

    function onRetry(data) {
      var target = card(Number(data.variant) || 0);
      target.stream.textContent = "";
      target.note.textContent = "Asking again: " + String(data.reason || "the first answer broke a rule.");
      target.note.hidden = false;
    }

    function onVariant(data) {
      var target = card(Number(data.variant) || 0);
      target.element.removeAttribute("aria-busy");
      target.stream.textContent = "";
      target.stream.hidden = true;
      target.note.hidden = true;
      if (data.draft || draftLabel) marker(target, "Template draft", "draft");
      if (data.cached) marker(target, "From cache", "cached");
      if (data.retried) marker(target, "Asked twice", "retried");
      if (target.body) target.element.removeChild(target.body);
      var body = make("div", "generate-variant-body");
      if (data.error) body.appendChild(make("p", "generate-error", String(data.error)));
      body.appendChild(fieldList(data.fields, outputs));
      if (data.scorecard) body.appendChild(scorecardView(data.scorecard));
      target.body = body;
      target.element.appendChild(body);
    }

    function onDone(data) {
      var parts = [];
      var used = data.usage || {};
      if (data.draft) parts.push("Template draft (no AI model configured)");
      else parts.push((used.tokens_in || 0) + " tokens in, " + (used.tokens_out || 0) + " out, $" + Number(used.cost_usd || 0).toFixed(4));
      if (data.cache && data.cache.hits) parts.push(data.cache.hits + " from cache (saved $" + Number(data.cache.saved_usd || 0).toFixed(4) + ")");
      var quota = data.quota;
      if (quota && quota.limit !== null && quota.limit !== undefined) {
        var reset = quota.resets_at ? new Date(quota.resets_at * 1000).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "";
        parts.push(quota.used + " of " + quota.limit + " generations used" + (quota.plan ? " on the " + quota.plan + " plan" : "") + (reset ? ", resets " + reset : ""));
      }
      if (usage) {
        usage.textContent = parts.join(" · ") + ".";
        usage.hidden = false;
      }
      var count = state.cards.filter(Boolean).length;
      setStatus("Done: " + count + " variant" + (count === 1 ? "" : "s") + (data.draft ? " (template drafts)." : "."));
      if (fresh) fresh.hidden = false;
    }

    function dispatch(name, data) {
      guard(function () {
        if (name === "start") onStart(data);
        else if (name === "delta") onDelta(data);
        else if (name === "retry") onRetry(data);
        else if (name === "variant") onVariant(data);
        else if (name === "done") { state.finished = true; onDone(data); }
        else if (name === "error") { state.finished = true; showError(data.error); }
      });
    }

    /** Reads `event:`/`data:` blocks from the response body as they arrive. */
    function readStream(response) {
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function block(text) {
        var name = "message";
        var data = [];
        text.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) name = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (!data.length) return;
        var parsed = null;
        try { parsed = JSON.parse(data.join("\n")); } catch (error) { return; }
        dispatch(name, parsed || {});
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            buffer += decoder.decode();
            if (buffer.trim()) block(buffer.replace(/\r\n?/g, "\n"));
            return;
          }
          buffer += decoder.decode(chunk.value, { stream: true });
          buffer = buffer.replace(/\r\n?/g, "\n");
          var end;
          while ((end = buffer.indexOf("\n\n")) !== -1) {
            block(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
          return pump();
        });
      }
      return pump();
    }

    /** POST with the session's CSRF token; a stale token is fetched again once. */
    function post(body, retried) {
      return lectern.currentSession().then(function () {
        var headers = { "Content-Type": "application/json", Accept: "text/event-stream, application/json" };
        if (lectern.auth.csrf) headers["X-CSRF-Token"] = lectern.auth.csrf;
        return fetch(api, { method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(body) });
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("text/event-stream") !== -1 && response.body && response.body.getReader) {
          return readStream(response);
        }
        return response.json().catch(function () { return null; }).then(function (data) {
          var reply = { status: response.status, data: data, response: response };
          var code = data && data.error && data.error.code;
          if (response.status === 403 && code === "csrf_rejected" && !retried) {
            lectern.auth.csrf = null;
            lectern.auth.session = null;
            return post(body, true);
          }
          if (response.ok && data && Array.isArray(data.variants)) {
            // One JSON answer (no streaming in this browser or on the way).
            onStart(data);
            data.variants.forEach(onVariant);
            state.finished = true;
            onDone(data);
          } else if (response.status === 401) {
            lectern.signedOutLocally();
            showSignedOut();
            setStatus("", signInLink("Sign in to generate"));
            state.finished = true;
          } else {
            state.finished = true;
            showError(data && data.error && response.status !== 404 && response.status !== 405 ? data.error : null, reply);
          }
        });
      });
    }

    function run(isFresh) {
      if (state.busy) return;
      clearFields();
      if (state.signedOut || !lectern.hasSessionHint()) {
        showSignedOut();
        setStatus("", signInLink("Sign in to generate"));
        return;
      }
      var inputs = collect();
      if (!inputs) return;
      state.busy = true;
      state.finished = false;
      state.cards = [];
      draftLabel = null;
      results.textContent = "";
      if (usage) usage.hidden = true;
      if (submit) submit.setAttribute("aria-disabled", "true");
      if (fresh) fresh.setAttribute("aria-disabled", "true");
      results.setAttribute("aria-busy", "true");
      setStatus(messages.generating);
      var body = { template: template, inputs: inputs };
      if (isFresh) body.fresh = true;
      post(body)
        .catch(function () {
          setStatus(state.cards.length ? messages.interrupted : messages.offline);
          state.finished = true;
        })
        .then(function () {
          if (!state.finished) setStatus(messages.interrupted);
          state.busy = false;
          results.removeAttribute("aria-busy");
          if (submit) submit.removeAttribute("aria-disabled");
          if (fresh) fresh.removeAttribute("aria-disabled");
        });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(false);
    });
    if (fresh) fresh.addEventListener("click", function () { run(true); });
    form.addEventListener("input", function (event) {
      if (event.target && event.target.getAttribute && event.target.getAttribute("aria-invalid")) clearField(event.target);
    });

    lectern.signedInUser().then(function (user) {
      guard(function () {
        if (user === null) showSignedOut();
      });
    });
  }

  /* ---------- The history page ---------- */

  function templatesOf(root) {
    var map = {};
    Array.prototype.forEach.call(root.querySelectorAll("[data-template-id]"), function (item) {
      map[item.getAttribute("data-template-id")] = {
        title: item.getAttribute("data-template-title"),
        url: item.getAttribute("data-template-url"),
        outputs: Array.prototype.map.call(item.querySelectorAll("[data-output]"), function (output) {
          return { name: output.getAttribute("data-output"), label: output.getAttribute("data-output-label") };
        })
      };
    });
    return map;
  }

  function setUpHistory(root) {
    var status = root.querySelector("[data-generations-status]");
    var signedIn = root.querySelector("[data-generations-signed-in]");
    var signedOut = root.querySelector("[data-generations-signed-out]");
    var list = root.querySelector("[data-generations-list]");
    var empty = root.querySelector("[data-generations-empty]");
    var filter = root.querySelector("[data-generations-filter]");
    var csv = root.querySelector("[data-generations-csv]");
    var csvBase = csv ? csv.getAttribute("href") : api + "/history.csv";
    var templates = templatesOf(root);

    function setStatus(text) {
      if (status) status.textContent = text || "";
    }

    function query() {
      var params = new URLSearchParams();
      var q = filter && filter.elements.q ? filter.elements.q.value.trim() : "";
      if (q) params.set("q", q);
      if (filter && filter.elements.starred && filter.elements.starred.checked) params.set("starred", "1");
      var text = params.toString();
      return text ? "?" + text : "";
    }

    function entryView(entry) {
      var template = templates[entry.template] || { title: entry.template, url: null, outputs: [] };
      var item = make("li", "generations-entry");
      item.setAttribute("data-generation", String(entry.id));
      var heading = make("h2", "generations-title");
      if (template.url) {
        var link = make("a", null, template.title);
        link.href = template.url;
        heading.appendChild(link);
      } else {
        heading.textContent = template.title;
      }
      item.appendChild(heading);
      var when = entry.created_at ? new Date(entry.created_at * 1000).toLocaleString() : "";
      var meta = [when, entry.provider === "offline" ? "template draft" : String(entry.model || entry.provider || "")].filter(Boolean);
      item.appendChild(make("p", "generations-meta", meta.join(" · ")));
      var inputs = entry.inputs && typeof entry.inputs === "object" ? entry.inputs : {};
      var summary = Object.keys(inputs).map(function (key) { return String(inputs[key]); }).join(" · ");
      if (summary) item.appendChild(make("p", "generations-inputs", summary));

      var actions = make("p", "account-actions generations-actions");
      var star = make("button", "button button-small", entry.starred ? "★ Starred" : "☆ Star");
      star.type = "button";
      star.setAttribute("aria-pressed", entry.starred ? "true" : "false");
      star.setAttribute("data-generation-star", "");
      star.addEventListener("click", function () {
        var want = star.getAttribute("aria-pressed") !== "true";
        apiRequest("POST", api + "/history/" + encodeURIComponent(entry.id) + "/star", { starred: want }).then(function (reply) {
          guard(function () {
            if (reply.status === 200) {
              star.setAttribute("aria-pressed", want ? "true" : "false");
              star.textContent = want ? "★ Starred" : "☆ Star";
              setStatus(want ? "Starred." : "Star removed.");
            } else {
              setStatus((reply.data && reply.data.error && reply.data.error.message) || messages.unavailable);
            }
          });
        });
      });
      var remove = make("button", "button button-small", "Delete");
      remove.type = "button";
      remove.setAttribute("data-generation-delete", "");
      remove.addEventListener("click", function () {
        if (!window.confirm("Delete this generation from your history?")) return;
        apiRequest("DELETE", api + "/history/" + encodeURIComponent(entry.id)).then(function (reply) {
          guard(function () {
            if (reply.status === 204 || reply.status === 404) {
              var next = item.nextElementSibling || item.previousElementSibling;
              item.parentNode.removeChild(item);
              setStatus("Deleted.");
              if (empty && !list.children.length) empty.hidden = false;
              var focusTarget = next && next.querySelector("button");
              if (focusTarget) focusTarget.focus();
              else if (status) status.focus();
            } else {
              setStatus((reply.data && reply.data.error && reply.data.error.message) || messages.unavailable);
            }
          });
        });
      });
      actions.appendChild(star);
      actions.appendChild(doc.createTextNode(" "));
      actions.appendChild(remove);
      item.appendChild(actions);

      var variants = Array.isArray(entry.variants) ? entry.variants : [];
      var variantList = make("ol", "generations-variants");
      variants.forEach(function (variant) {
        var one = make("li", "generations-variant");
        one.appendChild(fieldList(variant.fields || {}, template.outputs));
        variantList.appendChild(one);
      });
      item.appendChild(variantList);
      return item;
    }

    function load() {
      var suffix = query();
      if (csv) csv.href = csvBase + suffix;
      setStatus("Loading…");
      return apiRequest("GET", api + "/history" + suffix).then(function (reply) {
        guard(function () {
          if (reply.status === 401) {
            lectern.signedOutLocally();
            signedIn.hidden = true;
            signedOut.hidden = false;
            setStatus("");
            return;
          }
          if (reply.status !== 200 || !reply.data || !Array.isArray(reply.data.generations)) {
            setStatus(reply.status === 0 ? messages.offline : messages.unavailable);
            return;
          }
          signedIn.hidden = false;
          list.textContent = "";
          reply.data.generations.forEach(function (entry) { list.appendChild(entryView(entry)); });
          if (empty) empty.hidden = reply.data.generations.length > 0;
          var count = reply.data.generations.length;
          setStatus(suffix ? count + " generation" + (count === 1 ? "" : "s") + " found." : "");
        });
      });
    }

    if (filter) {
      filter.addEventListener("submit", function (event) {
        event.preventDefault();
        load();
      });
      if (filter.elements.starred) filter.elements.starred.addEventListener("change", load);
    }

    lectern.signedInUser().then(function (user) {
      guard(function () {
        if (user === null) {
          signedOut.hidden = false;
          return;
        }
        load();
      });
    });
  }

  /* ---------- The batch jobs page ---------- */

  function setUpBatches(root) {
    var base = root.getAttribute("data-batches-api") || api + "/batches";
    var status = root.querySelector("[data-batches-status]");
    var signedIn = root.querySelector("[data-batches-signed-in]");
    var signedOut = root.querySelector("[data-batches-signed-out]");
    var list = root.querySelector("[data-batches-list]");
    var empty = root.querySelector("[data-batches-empty]");
    var form = root.querySelector("[data-batches-form]");
    var formError = root.querySelector("[data-batches-form-error]");
    var templates = templatesOf(root);
    var state = { busy: false, timer: null, views: {} };
    var labels = { queued: "Queued", running: "Running", done: "Done", stopped: "Stopped" };

    function setStatus(text) {
      if (status) status.textContent = text || "";
    }

    function errorText(reply) {
      return (reply.data && reply.data.error && reply.data.error.message) ||
        (reply.status === 0 ? messages.offline : messages.unavailable);
    }

    function showSignedOut() {
      lectern.signedOutLocally();
      signedIn.hidden = true;
      signedOut.hidden = false;
      setStatus("");
    }

    function markField(field, message) {
      var error = doc.getElementById(field.id + "-error");
      field.setAttribute("aria-invalid", "true");
      if (!error) return;
      error.textContent = message;
      error.hidden = false;
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(error.id) === -1) described.push(error.id);
      field.setAttribute("aria-describedby", described.join(" "));
    }

    function clearFields() {
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (field) {
        var error = doc.getElementById(field.id + "-error");
        field.removeAttribute("aria-invalid");
        if (!error) return;
        error.textContent = "";
        error.hidden = true;
        var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== error.id; });
        if (described.length) field.setAttribute("aria-describedby", described.join(" "));
        else field.removeAttribute("aria-describedby");
      });
      if (formError) formError.textContent = "";
    }

    /** An API error beside the field it names (`template`, `csv`, `rows[N].input`), else below the form. */
    function showFormError(reply) {
      var error = reply.data && reply.data.error;
      var message = errorText(reply);
      var name = error && typeof error.field === "string" ? error.field : "";
      var field = name === "template" ? form.elements.template : name === "csv" || name.indexOf("rows[") === 0 ? form.elements.csv : null;
      var row = /^rows\[(\d+)\]/.exec(name);
      if (row && !/^row /i.test(message)) message = "Row " + row[1] + ": " + message;
      if (field) {
        markField(field, message);
        field.focus();
      }
      if (formError) formError.textContent = message;
    }

    function percent(job) {
      var total = Number(job.total) || 0;
      var finished = (Number(job.done) || 0) + (Number(job.failed) || 0);
      return total ? Math.round(finished * 100 / total) : 0;
    }

    function jobView(job) {
      var item = make("li", "generations-entry batches-entry");
      item.setAttribute("data-batch", String(job.id));
      var template = templates[job.template] || { title: job.template, url: null };
      var heading = make("h3", "generations-title");
      if (template.url) {
        var link = make("a", null, template.title);
        link.href = template.url;
        heading.appendChild(link);
      } else {
        heading.textContent = String(template.title || "");
      }
      item.appendChild(heading);
      var meta = make("p", "generations-meta");
      meta.setAttribute("data-batch-meta", "");
      item.appendChild(meta);
      var progress = make("progress", "batches-progress");
      progress.setAttribute("data-batch-progress", "");
      progress.setAttribute("aria-label", "Progress of the " + template.title + " batch");
      item.appendChild(progress);
      var message = make("p", "generate-error batches-message");
      message.setAttribute("data-batch-message", "");
      message.hidden = true;
      item.appendChild(message);
      var actions = make("p", "account-actions generations-actions");
      var download = make("a", "button button-small", "Download results (CSV)");
      download.href = base + "/" + encodeURIComponent(job.id) + "/results.csv";
      download.setAttribute("download", "");
      download.setAttribute("data-batch-download", "");
      var resume = make("button", "button button-small", "Resume");
      resume.type = "button";
      resume.setAttribute("data-batch-resume", "");
      resume.hidden = true;
      resume.addEventListener("click", function () {
        if (resume.getAttribute("aria-disabled") === "true") return;
        resume.setAttribute("aria-disabled", "true");
        apiRequest("POST", base + "/" + encodeURIComponent(job.id) + "/resume").then(function (reply) {
          guard(function () {
            resume.removeAttribute("aria-disabled");
            if (reply.status === 401) return showSignedOut();
            if (reply.status === 200 && reply.data) {
              update(reply.data);
              setStatus("Batch resumed.");
              var next = state.views[job.id] && state.views[job.id].download;
              if (next) next.focus();
              schedule();
            } else {
              setStatus(errorText(reply));
            }
          });
        });
      });
      actions.appendChild(download);
      actions.appendChild(doc.createTextNode(" "));
      actions.appendChild(resume);
      item.appendChild(actions);
      state.views[job.id] = { item: item, meta: meta, progress: progress, message: message, resume: resume, download: download };
      return item;
    }

    function update(job) {
      var view = state.views[job.id];
      if (!view) return;
      var total = Number(job.total) || 0;
      var done = Number(job.done) || 0;
      var failed = Number(job.failed) || 0;
      view.item.setAttribute("data-batch-status", String(job.status));
      view.progress.max = total || 1;
      view.progress.value = Math.min(done + failed, total || 1);
      view.progress.textContent = percent(job) + "%";
      var when = job.created_at ? new Date(job.created_at * 1000).toLocaleString() : "";
      var parts = [labels[job.status] || String(job.status), done + " of " + total + " done"];
      if (failed) parts.push(failed + " failed");
      if (when) parts.push(when);
      view.meta.textContent = parts.join(" · ");
      var stopped = job.status === "stopped";
      view.message.textContent = stopped ? String(job.message || "The job stopped.") : "";
      view.message.hidden = !stopped;
      view.resume.hidden = !stopped;
    }

    function render(jobs) {
      var seen = {};
      jobs.forEach(function (job, index) {
        seen[job.id] = true;
        var view = state.views[job.id];
        var item = view ? view.item : jobView(job);
        if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
        update(job);
      });
      Object.keys(state.views).forEach(function (id) {
        if (seen[id]) return;
        var old = state.views[id].item;
        if (old.parentNode) old.parentNode.removeChild(old);
        delete state.views[id];
      });
      if (empty) empty.hidden = jobs.length > 0;
    }

    function active(jobs) {
      return jobs.some(function (job) { return job.status === "queued" || job.status === "running"; });
    }

    function schedule() {
      if (state.timer) return;
      state.timer = setTimeout(function () {
        state.timer = null;
        load(true);
      }, 2000);
    }

    function load(quiet) {
      if (!quiet) setStatus("Loading…");
      return apiRequest("GET", base).then(function (reply) {
        guard(function () {
          if (reply.status === 401) return showSignedOut();
          if (reply.status !== 200 || !reply.data || !Array.isArray(reply.data.batches)) {
            setStatus(errorText(reply));
            if (quiet) schedule();
            return;
          }
          signedIn.hidden = false;
          if (!quiet) setStatus("");
          render(reply.data.batches);
          if (active(reply.data.batches)) schedule();
        });
      });
    }

    /** The CSV: the chosen file's text, else the pasted text. */
    function csvText() {
      var input = form.elements.file;
      var file = input && input.files && input.files[0];
      if (!file) return Promise.resolve(form.elements.csv.value);
      if (typeof file.text === "function") return file.text();
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () { resolve(String(reader.result || "")); };
        reader.onerror = function () { reject(reader.error); };
        reader.readAsText(file);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (state.busy) return;
      clearFields();
      var submit = form.querySelector("button[type=submit]");
      state.busy = true;
      if (submit) submit.setAttribute("aria-disabled", "true");
      function finish() {
        state.busy = false;
        if (submit) submit.removeAttribute("aria-disabled");
      }
      csvText().then(function (text) {
        if (!String(text || "").trim()) {
          markField(form.elements.csv, "Choose a CSV file or paste the CSV.");
          if (formError) formError.textContent = "Choose a CSV file or paste the CSV.";
          (form.elements.file || form.elements.csv).focus();
          finish();
          return;
        }
        setStatus("Starting the batch…");
        return apiRequest("POST", base, { template: form.elements.template.value, csv: text }).then(function (reply) {
          guard(function () {
            finish();
            if (reply.status === 401) return showSignedOut();
            if (reply.status === 202 && reply.data && reply.data.id) {
              setStatus("Batch queued: " + reply.data.total + " row" + (reply.data.total === 1 ? "" : "s") + ".");
              if (form.elements.file) form.elements.file.value = "";
              form.elements.csv.value = "";
              if (state.timer) { clearTimeout(state.timer); state.timer = null; }
              load(true);
            } else {
              setStatus("");
              showFormError(reply);
            }
          });
        });
      }, function () {
        finish();
        markField(form.elements.file, "Could not read that file.");
        if (formError) formError.textContent = "Could not read that file.";
      });
    });

    lectern.signedInUser().then(function (user) {
      guard(function () {
        if (user === null) {
          signedOut.hidden = false;
          return;
        }
        load(false);
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(doc.querySelectorAll("form[data-generate-form]"), function (form) {
      guard(function () { enhanceGenerateForm(form); });
    });
    var history = doc.querySelector("[data-generations]");
    if (history) guard(function () { setUpHistory(history); });
    var batches = doc.querySelector("[data-batches]");
    if (batches) guard(function () { setUpBatches(batches); });
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
