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
    /** X-CSRF-Token for every POST and DELETE once signed in (from the session or sign-in answer). */
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

  /** Calls the auth API with JSON; resolves with `{status, data, response}`, never rejects. */
  function authRequest(method, path, body, retried) {
    var needsToken = method !== "GET" && !auth.csrf && hasSessionHint();
    return (needsToken ? currentSession() : Promise.resolve())
      .then(function () {
        var headers = { Accept: "application/json" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        if (method !== "GET" && auth.csrf) headers["X-CSRF-Token"] = auth.csrf;
        return fetch(auth.api + path, {
          method: method,
          credentials: "same-origin",
          headers: headers,
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
                  return authRequest(method, path, body, true);
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

  /* Account pages (layout `account`): forms posted as JSON, answers shown in place. */

  var accountMessages = {
    offline: "We couldn't reach the server. Check your connection and try again.",
    unavailable: "Accounts aren't available on this site right now. Please try again later.",
    failed: "Something went wrong. Please try again.",
    sending: "Sending…"
  };

  function queryParam(name) {
    return typeof URLSearchParams === "function" ? new URLSearchParams(window.location.search).get(name) : null;
  }

  /** Takes a one-time token (or a message already shown) out of the address, so it is neither
      kept in history nor shared: the parameter `name`, or the whole query. */
  function dropQuery(name) {
    if (!window.history || typeof window.history.replaceState !== "function") return;
    var query = "";
    if (name && typeof URLSearchParams === "function") {
      var params = new URLSearchParams(window.location.search);
      params.delete(name);
      query = params.toString() ? "?" + params.toString() : "";
    }
    window.history.replaceState(window.history.state, "", window.location.pathname + query + window.location.hash);
  }

  /** A same-site path (one leading `/`) to go to after signing in, or null. */
  function safeReturnPath(value) {
    if (typeof value !== "string" || !/^\/(?![\/\\])/.test(value) || /[\u0000-\u001f\\]/.test(value)) return null;
    try {
      var url = new URL(value, window.location.origin);
      return url.origin === window.location.origin ? url.pathname + url.search + url.hash : null;
    } catch (error) {
      return null;
    }
  }

  function labelText(field) {
    var label = field.id ? doc.querySelector('label[for="' + field.id + '"]') : null;
    var text = label ? label.textContent : field.name;
    return String(text || "").replace(/\(optional\)/, "").replace(/\s+/g, " ").trim();
  }

  function describedBy(field, id, add) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (each) {
      return each && each !== id;
    });
    if (add) ids.push(id);
    if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  /** Marks a field invalid with `message` beside it, or clears the mark when message is empty. */
  function setFieldError(field, message) {
    var holder = field.closest(".account-field") || field.parentNode;
    var error = holder && holder.querySelector("[data-field-error]");
    if (message) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
    if (!error) return;
    error.textContent = message || "";
    error.hidden = !message;
    if (error.id) describedBy(field, error.id, Boolean(message));
  }

  /** Writes into a live region; `kind` is "success", "error" or anything else for neutral. */
  function setStatus(status, message, kind) {
    if (!status) return;
    status.textContent = message || "";
    status.classList.toggle("is-success", kind === "success");
    status.classList.toggle("is-error", kind === "error");
  }

  function focusStatus(status) {
    if (!status) return;
    status.tabIndex = -1;
    status.focus();
  }

  /** What went wrong, from a reply that was not a success: `{message, field, code}`. */
  function replyProblem(reply) {
    var error = reply.data && reply.data.error;
    if (reply.status === 0) return { message: accountMessages.offline };
    if (reply.status === 429) {
      var retry = reply.response && parseInt(reply.response.headers.get("Retry-After"), 10);
      return { message: retryMessage(retry), code: "rate_limited" };
    }
    if (!error || reply.status === 404 || reply.status === 405 || reply.status === 501 || reply.status >= 502) {
      return { message: accountMessages.unavailable, code: error && error.code };
    }
    return {
      message: typeof error.message === "string" && error.message ? error.message : accountMessages.failed,
      field: typeof error.field === "string" ? error.field : null,
      code: error.code
    };
  }

  /** Shows problems: each next to its field and the first in the form's live region; focus goes to
      the first field at fault, else to the live region. */
  function showProblems(form, problems) {
    var status = form.querySelector("[data-account-status]");
    var first = null;
    var summary = "";
    problems.forEach(function (problem) {
      var field = problem.field && typeof problem.field === "object" ? problem.field : null;
      if (!field && problem.field) field = form.elements.namedItem(String(problem.field));
      // A name several fields share (radio buttons) gives a list without focus(): mark none.
      if (field && (typeof field.focus !== "function" || field.type === "hidden")) field = null;
      if (field) setFieldError(field, problem.message);
      if (!first) {
        first = field || status;
        // The browser's own words ("Please fill out this field.") need the field's name; the
        // function's messages are whole sentences.
        summary = field && problem.field === field ? labelText(field) + ": " + problem.message : problem.message;
      }
    });
    if (problems.length > 1) summary += " (" + problems.length + " fields need attention)";
    setStatus(status, summary, "error");
    if (first === status) focusStatus(status);
    else if (first) first.focus();
  }

  function clearProblems(form) {
    var marked = form.querySelectorAll("[aria-invalid]");
    for (var i = 0; i < marked.length; i++) setFieldError(marked[i], "");
  }

  function formValues(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      if (field.type === "checkbox") values[field.name] = field.checked;
      else if (field.type === "password") values[field.name] = field.value;
      else if (field.name === "code") values[field.name] = field.value.replace(/\s+/g, "");
      else values[field.name] = field.value.trim();
    });
    return values;
  }

  /**
   * Posts `form` through `send(values)` once the browser's own checks and `check(values)` (a
   * problem `{field, message}` or null, when given) pass. A 2xx reply goes to
   * `done(reply, values, form)`; any other is shown in the form and handed to
   * `failed(reply, problem)` when given. The field marked is the function's `error.field`, else
   * `fallbackField` for a refused secret or value (401, 422), so the reader lands where to retype.
   */
  function accountForm(form, options) {
    if (!form) return;
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector("[data-account-status]");
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      clearProblems(form);
      var invalid = [];
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && typeof field.checkValidity === "function" && !field.checkValidity()) {
          invalid.push({ field: field, message: field.validationMessage || "Please fill in this field." });
        }
      });
      if (invalid.length) return showProblems(form, invalid);
      var values = formValues(form);
      var problem = options.check ? options.check(values) : null;
      if (problem) return showProblems(form, [problem]);
      busy = true;
      // aria-disabled rather than disabled: a disabled button drops keyboard focus mid-send.
      if (button) button.setAttribute("aria-disabled", "true");
      form.setAttribute("aria-busy", "true");
      setStatus(status, accountMessages.sending);
      options.send(values).then(function (reply) {
        busy = false;
        if (button) button.removeAttribute("aria-disabled");
        form.removeAttribute("aria-busy");
        guard(function () {
          if (reply.status >= 200 && reply.status < 300) {
            setStatus(status, "");
            options.done(reply, values, form);
            return;
          }
          var problem = replyProblem(reply);
          if (!problem.field && options.fallbackField && (reply.status === 401 || reply.status === 422)
            && problem.code !== "not_signed_in") {
            problem.field = options.fallbackField;
          }
          showProblems(form, [problem]);
          if (options.failed) options.failed(reply, problem);
        });
      });
    });
    function clearMark(event) {
      var target = event.target;
      if (target && target.hasAttribute && target.hasAttribute("aria-invalid")) setFieldError(target, "");
    }
    form.addEventListener("input", clearMark);
    form.addEventListener("change", clearMark);
  }

  function providerLinks(root, returnTo, verb) {
    var box = root.querySelector("[data-account-providers]");
    var list = box && box.querySelector("[data-account-provider-list]");
    if (!list) return;
    authRequest("GET", "/providers").then(function (reply) {
      guard(function () {
        var providers = reply.status === 200 && reply.data && Array.isArray(reply.data.providers) ? reply.data.providers : [];
        list.textContent = "";
        providers.forEach(function (provider) {
          var start = null;
          try {
            start = new URL(String(provider.start_url), window.location.origin);
          } catch (error) {
            return;
          }
          if (start.origin !== window.location.origin || !provider.name) return;
          start.searchParams.set("return_to", returnTo);
          var link = make("a", "button account-provider", verb + " " + provider.name);
          link.href = start.pathname + start.search;
          if (provider.id) link.setAttribute("data-provider", String(provider.id));
          var item = make("li");
          item.appendChild(link);
          list.appendChild(item);
        });
        box.hidden = !list.children.length;
      });
    });
  }

  /** Why a provider sign-in came back to the sign-in page (`?error=` from the auth function's callback). */
  var providerErrors = {
    provider_cancelled: "Signing in with the provider was cancelled.",
    provider_unavailable: "That sign-in provider cannot be reached right now. Try again later, or use your email and password.",
    provider_linked_elsewhere: "That provider account is already connected to another account here.",
    provider_email_unverified: "The provider has not confirmed your email address. Confirm it there, or sign in with your email and password.",
    account_disabled: "This account is disabled.",
    other: "Signing in with the provider did not work. Please try again."
  };

  function accountSignIn(root, page) {
    var returnTo = safeReturnPath(queryParam("return_to"));
    if (!returnTo || returnTo.indexOf(page.signin) === 0) returnTo = page.home;
    var form = root.querySelector('[data-account-form="signin"]');
    var second = root.querySelector('[data-account-form="signin-2fa"]');
    var resend = root.querySelector('[data-account-form="resend"]');
    var challenge = null;
    var email = "";
    providerLinks(root, returnTo, "Continue with");
    var providerError = queryParam("error");
    if (providerError && form) {
      var known = Object.prototype.hasOwnProperty.call(providerErrors, providerError);
      showProblems(form, [{ message: providerErrors[known ? providerError : "other"] }]);
      dropQuery("error");
    }

    function signedIn(status) {
      setStatus(status, "Signed in. Taking you on…", "success");
      window.location.assign(returnTo);
    }

    accountForm(form, {
      fallbackField: "password",
      send: function (values) {
        email = values.email;
        if (resend) resend.hidden = true;
        return authRequest("POST", "/signin", { email: values.email, password: values.password });
      },
      done: function (reply) {
        var data = reply.data || {};
        if (data.two_factor_required && data.challenge && second) {
          challenge = data.challenge;
          form.hidden = true;
          second.hidden = false;
          setStatus(second.querySelector("[data-account-status]"), "Password accepted. Enter the code from your authenticator app.");
          second.elements.namedItem("code").focus();
        } else if (data.user) {
          signedIn(form.querySelector("[data-account-status]"));
        } else {
          showProblems(form, [{ message: accountMessages.failed }]);
        }
      },
      failed: function (reply, problem) {
        if (problem.code === "email_not_verified" && resend) resend.hidden = false;
      }
    });
    accountForm(second, {
      fallbackField: "code",
      send: function (values) {
        return authRequest("POST", "/signin/2fa", { challenge: challenge, code: values.code });
      },
      done: function (reply, values, form) {
        if (reply.data && reply.data.user) signedIn(form.querySelector("[data-account-status]"));
        else showProblems(form, [{ message: accountMessages.failed }]);
      },
      failed: function (reply, problem) {
        // The password step expired: ask for it again, saying why.
        if (problem.code === "invalid_challenge") backToPassword(problem.message);
      }
    });
    function backToPassword(message) {
      challenge = null;
      second.hidden = true;
      second.reset();
      clearProblems(second);
      form.hidden = false;
      if (message) showProblems(form, [{ field: "password", message: message }]);
      else form.elements.namedItem("password").focus();
    }
    var restart = second && second.querySelector("[data-account-restart]");
    if (restart) {
      restart.addEventListener("click", function (event) {
        event.preventDefault();
        backToPassword(null);
      });
    }
    accountForm(resend, {
      send: function () {
        return authRequest("POST", "/verify/resend", { email: email });
      },
      done: function (reply, values, form) {
        var status = form.querySelector("[data-account-status]");
        setStatus(status, (reply.data && reply.data.message) || "We sent a new link. Check your inbox.", "success");
        focusStatus(status);
      }
    });
  }

  function accountSignUp(root) {
    var form = root.querySelector('[data-account-form="signup"]');
    accountForm(form, {
      send: function (values) {
        var body = { email: values.email, password: values.password };
        if (values.name) body.name = values.name;
        return authRequest("POST", "/signup", body);
      },
      done: function (reply, values) {
        var status = form.querySelector("[data-account-status]");
        form.reset();
        Array.prototype.forEach.call(form.querySelectorAll(".account-field, .account-actions"), function (part) {
          part.hidden = true;
        });
        setStatus(status, (reply.data && reply.data.message) ||
          "Check your inbox: we sent a link to " + values.email + " to confirm your address.", "success");
        focusStatus(status);
      }
    });
  }

  function accountVerify(root, page) {
    var status = root.querySelector("[data-account-page-status]");
    var resend = root.querySelector('[data-account-form="resend"]');
    var next = root.querySelector("[data-account-verified]");
    var token = queryParam("token");
    dropQuery();
    accountForm(resend, {
      send: function (values) {
        return authRequest("POST", "/verify/resend", { email: values.email });
      },
      done: function (reply, values, form) {
        var formStatus = form.querySelector("[data-account-status]");
        setStatus(formStatus, (reply.data && reply.data.message) || "We sent a new link. Check your inbox.", "success");
        focusStatus(formStatus);
      }
    });
    if (!token) {
      setStatus(status, "This page confirms your email address with the link we emailed you, and this link has no token.", "error");
      if (resend) resend.hidden = false;
      return;
    }
    setStatus(status, "Confirming your email address…");
    authRequest("POST", "/verify", { token: token }).then(function (reply) {
      guard(function () {
        if (reply.status === 200) {
          setStatus(status, (reply.data && reply.data.message) || "Your email address is confirmed. You can sign in now.", "success");
          if (next) next.hidden = false;
        } else {
          var problem = replyProblem(reply);
          setStatus(status, problem.code === "invalid_token"
            ? problem.message + " Ask for a new link below."
            : problem.message, "error");
          if (resend && problem.code === "invalid_token") resend.hidden = false;
        }
        focusStatus(status);
      });
    });
  }

  function accountReset(root) {
    var status = root.querySelector("[data-account-page-status]");
    var forgot = root.querySelector('[data-account-form="forgot"]');
    var reset = root.querySelector('[data-account-form="reset"]');
    var done = root.querySelector("[data-account-reset-done]");
    var token = queryParam("token");
    dropQuery();
    accountForm(forgot, {
      send: function (values) {
        return authRequest("POST", "/password/forgot", { email: values.email });
      },
      done: function (reply, values, form) {
        form.hidden = true;
        setStatus(status, (reply.data && reply.data.message) ||
          "If " + values.email + " has an account, we sent it a link to choose a new password.", "success");
        focusStatus(status);
      }
    });
    accountForm(reset, {
      fallbackField: "new_password",
      send: function (values) {
        return authRequest("POST", "/password/reset", { token: token, new_password: values.new_password });
      },
      done: function (reply, values, form) {
        form.hidden = true;
        signedOutLocally();
        setStatus(status, (reply.data && reply.data.message) || "Your password is changed. Sign in with it now.", "success");
        if (done) done.hidden = false;
        focusStatus(status);
      },
      failed: function (reply, problem) {
        if (problem.code !== "invalid_token") return;
        reset.hidden = true;
        setStatus(status, problem.message + " Ask for a new link below.", "error");
        if (forgot) forgot.hidden = false;
        focusStatus(status);
      }
    });
    if (token && reset) reset.hidden = false;
    else if (forgot) forgot.hidden = false;
  }

  /** A time from the API (Unix seconds, or an ISO 8601 string) as the reader's locale writes it. */
  function readableDate(value, withTime) {
    var seconds = typeof value === "number" ? value : /^\d+(\.\d+)?$/.test(String(value || "")) ? Number(value) : NaN;
    var date = !isNaN(seconds) ? new Date(seconds * 1000) : value ? new Date(value) : null;
    if (!date || isNaN(date.getTime())) return value ? String(value) : "";
    var options = withTime
      ? { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }
      : { year: "numeric", month: "long", day: "numeric" };
    try {
      return date.toLocaleString(doc.documentElement.lang || undefined, options);
    } catch (error) {
      return date.toISOString();
    }
  }

  /** "Firefox on Windows" from a user agent string, or the string itself when it says nothing known. */
  function deviceName(agent) {
    var text = String(agent || "");
    var browser = /Edg\//.test(text) ? "Edge" : /Firefox\//.test(text) ? "Firefox"
      : /Chrom(e|ium)\//.test(text) ? "Chrome" : /Safari\//.test(text) ? "Safari" : "";
    var system = /Android/.test(text) ? "Android" : /iPhone|iPad/.test(text) ? "iOS"
      : /Windows/.test(text) ? "Windows" : /Mac OS X|Macintosh/.test(text) ? "macOS" : /Linux/.test(text) ? "Linux" : "";
    if (browser && system) return browser + " on " + system;
    return browser || system || text.slice(0, 60) || "Unknown device";
  }

  function accountHome(root, page) {
    var status = root.querySelector("[data-account-page-status]");
    var sections = root.querySelector("[data-account-signed-in]");
    var signedOutPanel = root.querySelector("[data-account-signed-out]");
    var user = null;

    function showUser(value) {
      user = value || user;
      if (!user) return;
      var fields = root.querySelectorAll("[data-account-user]");
      for (var i = 0; i < fields.length; i++) {
        var key = fields[i].getAttribute("data-account-user");
        var text = key === "created_at" ? readableDate(user.created_at)
          : key === "two_factor" ? (user.two_factor ? "On" : "Off")
          : key === "email" ? String(user.email || "") + (user.email_verified === false ? " (not confirmed yet)" : "")
          : String(user[key] || "—");
        fields[i].textContent = text;
      }
      showHeaderUser(user);
    }

    function leave(message) {
      signedOutLocally();
      sections.hidden = true;
      if (signedOutPanel) signedOutPanel.hidden = false;
      setStatus(status, message, "success");
      focusStatus(status);
    }

    /* Sessions */
    var sessionList = root.querySelector("[data-account-sessions]");
    var sessionStatus = root.querySelector("[data-account-sessions-status]");
    var sessionsTitle = doc.getElementById("account-sessions-title");

    function signOut() {
      return authRequest("POST", "/signout").then(function (reply) {
        if (reply.status === 204 || reply.status === 200 || reply.status === 401) leave("You have signed out.");
        else setStatus(sessionStatus, replyProblem(reply).message, "error");
      });
    }

    function loadSessions() {
      authRequest("GET", "/sessions").then(function (reply) {
        guard(function () {
          sessionList.textContent = "";
          var sessions = reply.status === 200 && reply.data && Array.isArray(reply.data.sessions) ? reply.data.sessions : null;
          if (!sessions) return setStatus(sessionStatus, replyProblem(reply).message, "error");
          sessions.forEach(function (session) {
            var device = deviceName(session.user_agent);
            var item = make("li", "account-session");
            var text = make("div", "account-session-text");
            text.appendChild(make("span", "account-session-device", device));
            if (session.current) text.appendChild(make("span", "badge account-session-current", "This browser"));
            var details = [];
            if (session.ip) details.push(String(session.ip));
            if (session.last_seen_at) details.push("last active " + readableDate(session.last_seen_at, true));
            if (session.created_at) details.push("signed in " + readableDate(session.created_at));
            text.appendChild(make("span", "account-session-meta", details.join(" · ")));
            item.appendChild(text);
            var button = make("button", "button account-session-signout", "Sign out");
            button.type = "button";
            button.appendChild(make("span", "visually-hidden", session.current ? " of this browser" : " of " + device));
            button.addEventListener("click", function () {
              if (button.getAttribute("aria-disabled") === "true") return;
              if (session.current) return signOut();
              button.setAttribute("aria-disabled", "true");
              authRequest("DELETE", "/sessions/" + encodeURIComponent(session.id)).then(function (reply) {
                button.removeAttribute("aria-disabled");
                if (reply.status === 204 || reply.status === 200 || reply.status === 404) {
                  item.parentNode.removeChild(item);
                  setStatus(sessionStatus, "Signed out of " + device + ".", "success");
                  if (sessionsTitle) sessionsTitle.focus();
                } else {
                  setStatus(sessionStatus, replyProblem(reply).message, "error");
                }
              });
            });
            item.appendChild(button);
            sessionList.appendChild(item);
          });
        });
      });
    }

    /* Two-step verification: off → setup → codes → on */
    function twoFactor(state) {
      var parts = root.querySelectorAll("[data-account-2fa]");
      var shown = null;
      for (var i = 0; i < parts.length; i++) {
        parts[i].hidden = parts[i].getAttribute("data-account-2fa") !== state;
        if (!parts[i].hidden) shown = parts[i];
      }
      var heading = shown && shown.querySelector("[data-account-focus]");
      return heading;
    }

    accountForm(root.querySelector('[data-account-form="2fa-setup"]'), {
      fallbackField: "password",
      send: function (values) {
        return authRequest("POST", "/2fa/setup", { password: values.password });
      },
      done: function (reply, values, form) {
        var data = reply.data || {};
        form.reset();
        root.querySelector("[data-account-otpauth]").textContent = String(data.otpauth_uri || "");
        root.querySelector("[data-account-key]").textContent = String(data.secret || "")
          .replace(/\s+/g, "")
          .replace(/(.{4})(?=.)/g, "$1 ");
        var heading = twoFactor("setup");
        if (heading) heading.focus();
      }
    });
    accountForm(root.querySelector('[data-account-form="2fa-enable"]'), {
      fallbackField: "code",
      send: function (values) {
        return authRequest("POST", "/2fa/enable", { code: values.code });
      },
      done: function (reply, values, form) {
        form.reset();
        var list = root.querySelector("[data-account-recovery-codes]");
        list.textContent = "";
        var codes = reply.data && Array.isArray(reply.data.recovery_codes) ? reply.data.recovery_codes : [];
        codes.forEach(function (code) {
          var item = make("li");
          item.appendChild(make("code", "", String(code)));
          list.appendChild(item);
        });
        root.querySelector("[data-account-otpauth]").textContent = "";
        root.querySelector("[data-account-key]").textContent = "";
        user.two_factor = true;
        // The function rotated this session and ended the others.
        showUser(reply.data && reply.data.user);
        loadSessions();
        var heading = twoFactor("codes");
        if (heading) heading.focus();
      }
    });
    var saved = root.querySelector("[data-account-codes-saved]");
    if (saved) {
      saved.addEventListener("click", function () {
        // Shown once: take them out of the page as well.
        root.querySelector("[data-account-recovery-codes]").textContent = "";
        twoFactor("on");
        var title = doc.getElementById("account-2fa-title");
        if (title) {
          title.tabIndex = -1;
          title.focus();
        }
      });
    }
    accountForm(root.querySelector('[data-account-form="2fa-disable"]'), {
      fallbackField: "password",
      send: function (values) {
        return authRequest("POST", "/2fa/disable", { password: values.password });
      },
      done: function (reply, values, form) {
        form.reset();
        user.two_factor = false;
        showUser(reply.data && reply.data.user);
        twoFactor("off");
        var status = root.querySelector('[data-account-2fa="off"] [data-account-status]');
        setStatus(status, "Two-step verification is off.", "success");
        focusStatus(status);
      }
    });

    /* Password */
    accountForm(root.querySelector('[data-account-form="password"]'), {
      fallbackField: "current_password",
      send: function (values) {
        return authRequest("POST", "/password", { current_password: values.current_password, new_password: values.new_password });
      },
      done: function (reply, values, form) {
        form.reset();
        showUser(reply.data && reply.data.user);
        var status = form.querySelector("[data-account-status]");
        setStatus(status, "Your password is changed. Your other devices were signed out.", "success");
        focusStatus(status);
        loadSessions();
      }
    });

    /* Download my data */
    var exportButton = root.querySelector("[data-account-export]");
    var exportStatus = root.querySelector("[data-account-export-status]");
    if (exportButton) {
      exportButton.addEventListener("click", function () {
        if (exportButton.getAttribute("aria-disabled") === "true") return;
        exportButton.setAttribute("aria-disabled", "true");
        setStatus(exportStatus, "Preparing your data…");
        fetch(auth.api + "/export", { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (response.status !== 200) {
              return response.json().catch(function () { return null; }).then(function (data) {
                throw replyProblem({ status: response.status, data: data, response: response });
              });
            }
            var disposition = response.headers.get("Content-Disposition") || "";
            var named = /filename="?([^";]+)"?/.exec(disposition);
            return response.blob().then(function (blob) {
              var name = named ? named[1] : "account-data.json";
              var link = make("a");
              link.href = URL.createObjectURL(blob);
              link.download = name;
              link.hidden = true;
              doc.body.appendChild(link);
              link.click();
              doc.body.removeChild(link);
              setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
              setStatus(exportStatus, "Your data was saved as " + name + ".", "success");
            });
          })
          .catch(function (problem) {
            // A fetch that failed is an Error (offline); a refused one is a problem from replyProblem.
            var message = problem && !(problem instanceof Error) ? problem.message : accountMessages.offline;
            setStatus(exportStatus, message || accountMessages.failed, "error");
          })
          .then(function () {
            exportButton.removeAttribute("aria-disabled");
          });
      });
    }

    /* Delete my account: the typed address confirms it (and is what the function checks for an
       account without a password); the password, when the account has one. */
    accountForm(root.querySelector('[data-account-form="delete"]'), {
      fallbackField: "password",
      check: function (values) {
        var typed = String(values.confirm || "").toLowerCase();
        if (user && user.email && typed !== String(user.email).toLowerCase()) {
          return { field: "confirm", message: "Type " + user.email + ", the address of this account." };
        }
        return null;
      },
      send: function (values) {
        var body = { confirm: values.confirm };
        if (values.password) body.password = values.password;
        return authRequest("DELETE", "/account", body);
      },
      done: function () {
        leave("Your account has been deleted. Thank you for having been with us.");
        if (signedOutPanel) signedOutPanel.hidden = true;
      }
    });

    var signOutButton = root.querySelector("[data-account-signout]");
    if (signOutButton) signOutButton.addEventListener("click", signOut);

    setStatus(status, "Loading your account…");
    currentSession().then(function (reply) {
      guard(function () {
        if (reply.status === 401) {
          window.location.replace(page.signin + "?return_to=" + encodeURIComponent(window.location.pathname).replace(/%2F/g, "/"));
          return;
        }
        if (reply.status !== 200 || !reply.data || !reply.data.user) {
          setStatus(status, replyProblem(reply).message, "error");
          return;
        }
        setStatus(status, "");
        showUser(reply.data.user);
        twoFactor(reply.data.user.two_factor ? "on" : "off");
        sections.hidden = false;
        loadSessions();
        providerLinks(root, page.home, "Connect");
      });
    });
  }

  function setUpAccountPages() {
    var root = doc.querySelector("[data-account-view]");
    if (!root || typeof fetch !== "function" || typeof Promise === "undefined") return;
    auth.api = root.getAttribute("data-account-api") || auth.api;
    var page = {
      home: root.getAttribute("data-account-home") || "/account/",
      signin: root.getAttribute("data-account-signin") || "/account/signin/"
    };
    var ready = root.querySelector("[data-account-ready]");
    if (ready) ready.hidden = false;
    var views = { signin: accountSignIn, signup: accountSignUp, verify: accountVerify, reset: accountReset, home: accountHome };
    var view = views[root.getAttribute("data-account-view")];
    if (view) view(root, page);
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
    guard(setUpAccountPages);
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
