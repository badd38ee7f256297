/* Lectern default theme: the account pages (sign in, sign up, verify, reset, the account page),
   the learner's dashboard, the authors' reports and certificate verification. Loaded only by the
   layouts of those pages (`assets.account`), after `site.js`, whose helpers it uses. */
(function () {
  "use strict";

  var lectern = window.Lectern;
  if (!lectern) return;
  var doc = document;
  var auth = lectern.auth;
  var guard = lectern.guard;
  var make = lectern.make;
  var apiRequest = lectern.apiRequest;
  var authRequest = lectern.authRequest;
  var currentSession = lectern.currentSession;
  var signedOutLocally = lectern.signedOutLocally;
  var showHeaderUser = lectern.showHeaderUser;
  var retryMessage = lectern.retryMessage;

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
      // Parts for a role (the authors' reports) show only to accounts that hold it; admins hold every role.
      var roles = Array.isArray(user.roles) ? user.roles : [];
      var forRole = root.querySelectorAll("[data-account-role]");
      for (var j = 0; j < forRole.length; j++) {
        var role = forRole[j].getAttribute("data-account-role");
        forRole[j].hidden = roles.indexOf(role) === -1 && roles.indexOf("admin") === -1;
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

    /* Manage billing: the payment provider's customer portal (`POST /api/payments/portal`). Asking
       for it opens a portal session, so it is asked only on a click; an account that never bought
       anything (404) or a site without payments (503) loses the button. */
    var billingButton = root.querySelector("[data-account-billing]");
    var billingStatus = root.querySelector("[data-account-billing-status]");
    if (billingButton) {
      billingButton.addEventListener("click", function () {
        if (billingButton.getAttribute("aria-disabled") === "true") return;
        billingButton.setAttribute("aria-disabled", "true");
        setStatus(billingStatus, "Opening the billing page…");
        apiRequest("POST", "/api/payments/portal").then(function (reply) {
          guard(function () {
            billingButton.removeAttribute("aria-disabled");
            if (reply.status === 200 && reply.data && typeof reply.data.url === "string") {
              window.location.assign(reply.data.url);
              return;
            }
            if (reply.status === 404 || reply.status === 503) {
              billingButton.hidden = true;
              setStatus(billingStatus, reply.status === 404 && reply.data && reply.data.error
                ? "You have no billing account yet: plans are on the pricing page."
                : "Billing is not available on this site.");
              return;
            }
            setStatus(billingStatus, replyProblem(reply).message || accountMessages.failed, "error");
          });
        });
      });
    }

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

  /* ---------- Learning pages: the dashboard and the authors' reports (the progress function) ---------- */

  var learningMessages = {
    loading: "Loading…",
    offline: "We couldn't reach the server. Check your connection and try again.",
    unavailable: "Progress isn't available on this site right now. Please try again later.",
    forAuthors: "Course reports are for authors: this account does not have the author role. An admin can give it with `lectern users grant`.",
    noCourse: "There is no such course on the site (has it been built and published?)."
  };

  function say(element, text) {
    if (element) element.textContent = text;
  }

  /** "42%" from a share between 0 and 1. */
  function share(value) {
    return Math.round((Number(value) || 0) * 100) + "%";
  }

  /** A bar for a percentage, with its value for assistive technology. */
  function percentBar(percent, label) {
    var bar = make("span", "learning-bar");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-label", label);
    var fill = make("span", "learning-bar-fill");
    fill.style.width = Math.max(0, Math.min(100, percent)) + "%";
    bar.appendChild(fill);
    return bar;
  }

  function link(text, href, className) {
    var element = make("a", className, text);
    element.href = href;
    return element;
  }

  /** "View" and "Download PDF" for a certificate. */
  function certificateLinks(certificate) {
    var links = make("span", "learning-certificate-links");
    links.appendChild(link("View certificate", lectern.certificatePath(certificate)));
    links.appendChild(doc.createTextNode(" · "));
    var pdf = link("Download PDF", typeof certificate.pdf_url === "string" ? certificate.pdf_url
      : lectern.progressAPI + "/certificates/" + encodeURIComponent(String(certificate.id)) + "/pdf");
    pdf.setAttribute("download", "");
    links.appendChild(pdf);
    return links;
  }

  function courseCard(course) {
    var title = String(course.title || course.course || "");
    var percent = Number(course.percent) || 0;
    var item = make("li", "learning-course");
    item.setAttribute("data-learning-course", String(course.course || ""));
    var heading = make("h3", "learning-course-title");
    heading.appendChild(typeof course.url === "string" ? link(title, course.url) : doc.createTextNode(title));
    item.appendChild(heading);

    var progressLine = make("p", "learning-course-progress");
    progressLine.appendChild(percentBar(percent, "Progress in " + title));
    var text = make("span", "learning-course-percent", percent + "%");
    text.setAttribute("data-learning-percent", "");
    progressLine.appendChild(text);
    progressLine.appendChild(make("span", "muted", " · " + (Number(course.completed) || 0) + " of " + (Number(course.total) || 0) + " lessons"));
    item.appendChild(progressLine);

    var next = course["continue"];
    if (next && typeof next.url === "string") {
      var actions = make("p", "learning-course-actions");
      var verb = percent >= 100 ? "Review" : Number(course.completed) > 0 ? "Continue" : "Start";
      var button = link(verb, next.url, "button button-primary");
      button.setAttribute("data-learning-continue", "");
      button.appendChild(make("span", "visually-hidden", ": " + title));
      actions.appendChild(button);
      if (next.title && percent < 100) actions.appendChild(make("span", "muted", (verb === "Start" ? "First lesson: " : "Next up: ") + next.title));
      item.appendChild(actions);
    }

    var quizzes = Array.isArray(course.quizzes) ? course.quizzes : [];
    if (quizzes.length) {
      var table = make("table", "learning-quizzes");
      var caption = make("caption", "visually-hidden", "Quizzes in " + title);
      table.appendChild(caption);
      var head = make("thead");
      var headRow = make("tr");
      ["Quiz", "Best score", "Attempts", "Result"].forEach(function (name) {
        var cell = make("th", null, name);
        cell.scope = "col";
        headRow.appendChild(cell);
      });
      head.appendChild(headRow);
      table.appendChild(head);
      var body = make("tbody");
      quizzes.forEach(function (quiz) {
        var row = make("tr");
        row.setAttribute("data-learning-quiz", String(quiz.lesson) + "/" + String(quiz.quiz));
        var name = make("th");
        name.scope = "row";
        name.appendChild(typeof quiz.url === "string" ? link(String(quiz.title || quiz.quiz), quiz.url) : doc.createTextNode(String(quiz.title || quiz.quiz)));
        row.appendChild(name);
        row.appendChild(make("td", null, typeof quiz.best_score === "number" ? share(quiz.best_score) : "—"));
        row.appendChild(make("td", null, String(Number(quiz.attempts) || 0)));
        var result = make("td", quiz.passed ? "is-passed" : null, quiz.passed ? "Passed" : Number(quiz.attempts) > 0 ? "Not passed yet" : "Not taken");
        row.appendChild(result);
        body.appendChild(row);
      });
      table.appendChild(body);
      item.appendChild(table);
    }

    if (course.certificate && course.certificate.id) {
      var earned = make("p", "learning-course-certificate");
      earned.appendChild(make("strong", null, "Certificate earned. "));
      earned.appendChild(certificateLinks(course.certificate));
      item.appendChild(earned);
    }
    return item;
  }

  function learningDashboard(root, data) {
    var courses = Array.isArray(data.courses) ? data.courses : [];
    var certificates = Array.isArray(data.certificates) ? data.certificates : [];
    var list = root.querySelector("[data-learning-courses]");
    var certificateList = root.querySelector("[data-learning-certificates]");
    list.textContent = "";
    courses.forEach(function (course) {
      list.appendChild(courseCard(course));
    });
    root.querySelector("[data-learning-no-courses]").hidden = courses.length > 0;
    if (certificateList) {
      certificateList.textContent = "";
      certificates.forEach(function (certificate) {
        var item = make("li", "learning-certificate");
        item.setAttribute("data-learning-certificate", String(certificate.id));
        item.appendChild(make("strong", "learning-certificate-course", String(certificate.course_title || certificate.course || "")));
        item.appendChild(make("span", "muted", " · issued " + readableDate(certificate.issued_at) + " · "));
        item.appendChild(certificateLinks(certificate));
        certificateList.appendChild(item);
      });
    }
    var none = root.querySelector("[data-learning-no-certificates]");
    if (none) none.hidden = certificates.length > 0;
    root.querySelector("[data-learning-dashboard]").hidden = false;
  }

  /** Answer summaries from the report (`a,c`, a text, a number) in the words of the quiz form
      on the lesson's page, when the author can open it; otherwise as they are. */
  var lessonForms = {};

  function lessonPage(url) {
    if (!lessonForms[url]) {
      lessonForms[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          return typeof DOMParser === "function" && html ? new DOMParser().parseFromString(html, "text/html") : null;
        })
        .catch(function () {
          return null;
        });
    }
    return lessonForms[url];
  }

  function answerWords(question, summary) {
    var type = question && question.getAttribute("data-type");
    if (!question || ["single", "multiple", "true-false", "ordering"].indexOf(type) === -1) return summary;
    var words = summary.split(",").map(function (id) {
      var escaped = id.replace(/["\\]/g, "\\$&");
      var input = question.querySelector('input[value="' + escaped + '"]');
      var label = input && input.closest("label");
      if (label) return label.textContent.replace(/\s+/g, " ").trim();
      var select = question.querySelector('select[data-item="' + escaped + '"]');
      var holder = select && select.closest("label");
      var first = holder && holder.firstChild;
      return first && first.nodeType === 3 ? first.textContent.trim() : id;
    });
    return words.join(type === "ordering" ? " → " : "; ");
  }

  function reportQuestion(line, lessonTitle, lessonURL) {
    var item = make("li", "report-question");
    item.setAttribute("data-report-question", String(line.lesson) + "/" + String(line.quiz) + "/" + String(line.question));
    item.appendChild(make("h4", "report-question-prompt", String(line.prompt || line.question)));
    var total = Number(line.total) || 0;
    item.appendChild(make("p", "muted", (lessonTitle || line.lesson) + " · " + total + (total === 1 ? " answer" : " answers")
      + (total ? " · " + share(line.correct_share) + " right" : "")));
    var answers = Array.isArray(line.answers) ? line.answers : [];
    if (!answers.length) return item;
    var list = make("ul", "report-answers");
    var texts = [];
    answers.forEach(function (answer) {
      var count = Number(answer.count) || 0;
      var entry = make("li", "report-answer" + (answer.correct ? " is-correct" : ""));
      if (answer.correct) entry.setAttribute("data-report-correct", "");
      var text = make("span", "report-answer-text", String(answer.answer));
      texts.push(text);
      entry.appendChild(text);
      entry.appendChild(percentBar(total ? Math.round((count * 100) / total) : 0, "Share of answers"));
      entry.appendChild(make("span", "report-answer-count", count + " (" + (total ? Math.round((count * 100) / total) : 0) + "%)"));
      if (answer.correct) entry.appendChild(make("span", "badge badge-free", "✓ right answer"));
      list.appendChild(entry);
    });
    item.appendChild(list);
    if (lessonURL && typeof fetch === "function") {
      lessonPage(lessonURL).then(function (page) {
        guard(function () {
          var form = page && page.querySelector('form[data-quiz="' + (String(line.lesson) + "/" + String(line.quiz)).replace(/["\\]/g, "\\$&") + '"]');
          var question = form && form.querySelector('[data-question="' + String(line.question).replace(/["\\]/g, "\\$&") + '"]');
          if (!question) return;
          texts.forEach(function (text, index) {
            text.textContent = answerWords(question, String(answers[index].answer));
          });
        });
      });
    }
    return item;
  }

  function showReport(root, data, courseTitle) {
    var pages = {};
    var known = root.querySelectorAll("[data-report-lesson]");
    for (var i = 0; i < known.length; i++) pages[known[i].getAttribute("data-report-lesson")] = known[i].getAttribute("data-url");
    var lessons = Array.isArray(data.lessons) ? data.lessons : [];
    var titles = {};
    var rows = root.querySelector("[data-report-lessons]");
    rows.textContent = "";
    lessons.forEach(function (lesson, index) {
      titles[lesson.id] = lesson.title;
      var row = make("tr");
      row.setAttribute("data-report-lesson-row", String(lesson.id));
      var name = make("th");
      name.scope = "row";
      name.appendChild(pages[lesson.id] ? link(String(lesson.title), pages[lesson.id]) : doc.createTextNode(String(lesson.title)));
      row.appendChild(name);
      row.appendChild(make("td", null, String(Number(lesson.completed) || 0)));
      row.appendChild(make("td", null, index === 0 ? "—" : share(lesson.drop_off)));
      rows.appendChild(row);
    });
    var questions = Array.isArray(data.questions) ? data.questions : [];
    var list = root.querySelector("[data-report-questions]");
    list.textContent = "";
    questions.forEach(function (line) {
      list.appendChild(reportQuestion(line, titles[line.lesson], pages[line.lesson]));
    });
    root.querySelector("[data-report-no-questions]").hidden = questions.length > 0;
    var title = root.querySelector("[data-report-title]");
    title.textContent = courseTitle;
    var enrolled = Number(data.enrolled) || 0;
    root.querySelector("[data-report-summary]").textContent = enrolled + (enrolled === 1 ? " learner has" : " learners have") + " enrolled.";
    root.querySelector("[data-report]").hidden = false;
  }

  function learningReports(root, api, status, signedOut) {
    var form = root.querySelector("[data-report-form]");
    var select = form && form.querySelector("select[name=course]");
    if (!select || !select.options.length) {
      say(status, "This site has no courses yet.");
      return;
    }
    var wanted = typeof URLSearchParams === "function" ? new URLSearchParams(window.location.search).get("course") : null;
    if (wanted) select.value = wanted;
    form.hidden = false;
    var busy = false;
    function load(moveFocus) {
      if (busy) return;
      busy = true;
      var course = select.value;
      var courseTitle = select.options[select.selectedIndex] ? select.options[select.selectedIndex].textContent.trim() : course;
      say(status, learningMessages.loading);
      apiRequest("GET", api + "/report/" + encodeURIComponent(course)).then(function (reply) {
        busy = false;
        guard(function () {
          if (reply.status === 401) return signedOut();
          if (reply.status === 200 && reply.data) {
            say(status, "");
            showReport(root, reply.data, courseTitle);
            // A course picked by the reader is kept in the address, for a reload or a shared link.
            if (moveFocus && window.history && typeof window.history.replaceState === "function") {
              window.history.replaceState(window.history.state, "", window.location.pathname + "?course=" + encodeURIComponent(course));
            }
            if (moveFocus) root.querySelector("[data-report-title]").focus();
            return;
          }
          root.querySelector("[data-report]").hidden = true;
          var message = reply.status === 0 ? learningMessages.offline : reply.status === 403 ? learningMessages.forAuthors
            : reply.status === 404 && reply.data && reply.data.error ? learningMessages.noCourse : learningMessages.unavailable;
          say(status, message);
          if (status) status.focus();
        });
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      load(true);
    });
    load(false);
  }

  function setUpLearningPages() {
    var root = doc.querySelector("[data-learning-view]");
    if (!root || typeof fetch !== "function" || typeof Promise === "undefined") return;
    var api = root.getAttribute("data-learning-api") || lectern.progressAPI;
    var status = root.querySelector("[data-learning-status]");
    function signedOut() {
      if (status) status.textContent = "";
      var panel = root.querySelector("[data-learning-signed-out]");
      if (panel) panel.hidden = false;
    }
    lectern.signedInUser().then(function (user) {
      guard(function () {
        if (user === null) return signedOut();
        if (root.getAttribute("data-learning-view") === "reports") return learningReports(root, api, status, signedOut);
        say(status, learningMessages.loading);
        apiRequest("GET", api).then(function (reply) {
          guard(function () {
            if (reply.status === 401) return signedOut();
            if (reply.status !== 200 || !reply.data) {
              say(status, reply.status === 0 ? learningMessages.offline : learningMessages.unavailable);
              return;
            }
            say(status, "");
            learningDashboard(root, reply.data);
          });
        });
      });
    });
  }

  /* ---------- Certificate verification (`/certificates/<id>/`, public) ---------- */

  function setUpCertificatePage() {
    var root = doc.querySelector("[data-certificate-page]");
    if (!root || typeof fetch !== "function" || typeof Promise === "undefined") return;
    var base = root.getAttribute("data-certificate-root") || "/certificates/";
    var api = root.getAttribute("data-certificate-api") || lectern.progressAPI + "/certificates/";
    var status = root.querySelector("[data-certificate-status]");
    var lookup = root.querySelector("[data-certificate-lookup]");
    var path = window.location.pathname;
    var id = "";
    if (path.indexOf(base) === 0) {
      try {
        id = decodeURIComponent(path.slice(base.length).split("/")[0]);
      } catch (error) {
        id = "";
      }
    }
    if (id === "index.html") id = "";

    if (lookup) {
      lookup.addEventListener("submit", function (event) {
        event.preventDefault();
        var field = lookup.querySelector("input[name=id]");
        var value = field ? field.value.trim() : "";
        // An ID or a whole verification address pasted in: its last path segment is the ID.
        value = value.replace(/[?#].*$/, "").replace(/\/+$/, "").split("/").pop();
        if (!value) {
          setFieldError(field, "Enter the certificate's ID.");
          field.focus();
          return;
        }
        window.location.assign(base + encodeURIComponent(value) + "/");
      });
    }
    if (!id) {
      if (lookup) lookup.hidden = false;
      return;
    }
    say(status, "Checking the certificate…");
    apiRequest("GET", api + encodeURIComponent(id)).then(function (reply) {
      guard(function () {
        var data = reply.data;
        if (reply.status === 200 && data && data.id) {
          say(status, "");
          var fields = root.querySelectorAll("[data-certificate-field]");
          for (var i = 0; i < fields.length; i++) {
            var key = fields[i].getAttribute("data-certificate-field");
            fields[i].textContent = key === "issued_at" ? readableDate(data.issued_at) : String(data[key] === undefined ? "" : data[key]);
            if (key === "issued_at" && typeof data.issued_at === "number") {
              fields[i].setAttribute("datetime", new Date(data.issued_at * 1000).toISOString().slice(0, 10));
            }
          }
          var pdf = root.querySelector("[data-certificate-pdf]");
          if (pdf) pdf.href = typeof data.pdf_url === "string" ? data.pdf_url : api + encodeURIComponent(id) + "/pdf";
          root.querySelector("[data-certificate]").hidden = false;
          doc.title = "Certificate: " + data.name + " · " + data.course_title;
          return;
        }
        if (reply.status === 404) {
          say(status, "");
          var missing = root.querySelector("[data-certificate-missing]");
          if (lookup) lookup.hidden = false;
          if (!missing) return;
          var shown = missing.querySelector("[data-certificate-missing-id]");
          if (shown) shown.textContent = id;
          missing.hidden = false;
          var heading = missing.querySelector("h2");
          if (heading) heading.focus();
          return;
        }
        say(status, reply.status === 0 ? learningMessages.offline
          : "The certificate could not be checked right now. Please try again later.");
      });
    });
  }

  function start() {
    guard(setUpAccountPages);
    guard(setUpLearningPages);
    guard(setUpCertificatePage);
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
