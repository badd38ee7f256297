/// The parts of the nginx site, in the order they are written.
extension NginxSite {
    /// The hosts' default for a path no `_headers` rule gives a Cache-Control: a publish shows
    /// at once (the same default `lectern serve` applies).
    static let defaultCacheControl = "public, max-age=0, must-revalidate"

    /// One `map` per header the `_headers` rules set, from the requested path to the value of
    /// the first matching rule (nginx tries a map's regexes in order, as the rules are read).
    /// The locations serving files then add every header through its variable: an empty value
    /// adds nothing. This keeps the rules' semantics for any pattern, where one `location` per
    /// rule could not (nginx picks one location, and a location's `add_header` hides the rest).
    func writeHeaderMaps(_ out: inout ConfigWriter) {
        out.comment("Headers from the build's _headers (\(headersPath)), one variable each:",
                    "the first rule whose pattern matches the requested path gives the value.",
                    "Regenerate this file when the rules change.")
        for header in headerVariables {
            out.comment(header.name)
            out.block("map $request_uri $\(header.variable)") { map in
                for rule in header.rules {
                    map.line("\(ConfigValue.nginxQuoted("~" + HeadersFile.requestURIRegex(for: rule.pattern))) "
                        + "\(ConfigValue.nginxQuoted(rule.value));")
                }
                map.line("default \(ConfigValue.nginxQuoted(header.fallback));")
            }
        }
        out.line()
    }

    /// The headers as `(name, variable, rules, default)`; Cache-Control always, with the hosts'
    /// default when no rule matches.
    var headerVariables: [(name: String, variable: String, rules: [(pattern: String, value: String)], fallback: String)] {
        var found = headers.headersByName
        if !found.contains(where: { $0.name.lowercased() == "cache-control" }) {
            found.insert((name: "Cache-Control", rules: []), at: 0)
        }
        return found.enumerated().map { index, header in
            (name: header.name, variable: variablePrefix + "_h\(index)", rules: header.rules,
             fallback: header.name.lowercased() == "cache-control" ? Self.defaultCacheControl : "")
        }
    }

    /// `add_header` for every `_headers` header, except those a location sets itself.
    func addRuleHeaders(_ out: inout ConfigWriter, except skipped: Set<String> = []) {
        for header in headerVariables where !skipped.contains(header.name.lowercased()) {
            out.line("add_header \(header.name) $\(header.variable);")
        }
    }

    func writeUpstreams(_ out: inout ConfigWriter) {
        guard !upstreams.isEmpty else { return }
        out.comment("The function processes (see `lectern deploy systemd`).")
        for upstream in upstreams {
            out.block("upstream \(upstreamName(upstream.name))") { block in
                block.line("server \(upstream.address);")
                block.line("keepalive 8;")
            }
        }
        out.line()
    }

    /// `dist/`: files, pretty URLs (`/about` → 301 `/about/` → `about/index.html`), the 404
    /// page; a URL with a private page in the live release goes to the gate instead.
    func writeStaticLocations(_ out: inout ConfigWriter) {
        let gated = upstreams.contains { $0.name == accessFunction }
        out.block("location /") { location in
            addRuleHeaders(&location)
            // A location's own error_page replaces the server's, so the 404 page is named again;
            // recursive: the gate's own error pages (teaser, unavailable) follow this one.
            location.line("error_page 404 /404.html;")
            if gated {
                location.comment("A lesson is gated when the live release has a private page for it: the rule follows",
                                 "each release with no list to regenerate, and a page with no private copy is public anyway.")
                location.line("recursive_error_pages on;")
                location.line("error_page 418 = @lectern_gated;")
                location.block("if (-f \(ConfigValue.nginxQuoted(privateOutput + "${uri}index.html")))") { condition in
                    condition.line("return 418;")
                }
            } else {
                location.comment("No access function: paid lessons show their public teaser to everyone.")
            }
            location.line("try_files $uri $uri/ =404;")
        }
        writeRedirects(&out)
        out.comment("Read by CDNs, never served.")
        out.block("location = /_headers") { location in location.line("return 404;") }
        out.block("location = /_redirects") { location in location.line("return 404;") }
        out.line()
    }

    /// The build's `_redirects`, as the router and the CDNs apply them: a file that exists wins;
    /// else a 200 rule serves its target (every `/certificates/<id>/` from one page) and a
    /// 301/302 rule redirects. Rules are read when the configuration is written.
    func writeRedirects(_ out: inout ConfigWriter) {
        guard !redirects.isEmpty else { return }
        out.comment("From the build's _redirects.")
        for rule in redirects {
            let splat = rule.from.hasSuffix("*")
            let path = splat ? String(rule.from.dropLast()) : rule.from
            guard ConfigValue.isSafePath(path), ConfigValue.isSafePath(rule.to.replacingOccurrences(of: ":splat", with: "")) else {
                out.comment("skipped (unsafe characters): \(rule.from) \(rule.to) \(rule.status)")
                continue
            }
            out.block(splat ? "location ^~ \(path)" : "location = \(path)") { location in
                if rule.status == 200 {
                    addRuleHeaders(&location)
                    location.line("try_files $uri $uri/index.html \(rule.to.replacingOccurrences(of: ":splat", with: ""));")
                } else if splat {
                    location.line("rewrite ^\(path)(.*)$ \(rule.to.replacingOccurrences(of: ":splat", with: "$1")) \(rule.status == 301 || rule.status == 308 ? "permanent" : "redirect");")
                } else {
                    location.line("return \(rule.status) \(rule.to);")
                }
            }
        }
    }

    /// The gate, as `lectern serve` does it: ask the access function (`auth_request`); 2xx serves
    /// the private page, 401/403 the public teaser with the reason, anything else (the function
    /// down, an error) a 503 — never the private page. Both answers depend on who asks, so
    /// neither may be stored by a shared cache.
    func writeGate(_ out: inout ConfigWriter, access: FunctionUpstream) {
        let personal = ["add_header Cache-Control \"private, no-store\";", "add_header Vary Cookie;"]
        out.block("location @lectern_gated") { location in
            location.line("set $lectern_page $uri;")
            location.line("auth_request /_lectern/access-check;")
            location.line("auth_request_set $lectern_access $upstream_http_x_lectern_access;")
            location.line("error_page 401 403 = @lectern_teaser;")
            location.line("error_page 500 502 503 504 = @lectern_gate_unavailable;")
            location.line("error_page 404 /404.html;")
            location.line("root \(privateOutput);")
            location.line("try_files ${uri}index.html =404;")
            addRuleHeaders(&location, except: ["cache-control"])
            personal.forEach { location.line($0) }
        }
        out.block("location @lectern_teaser") { location in
            location.line("root \(dist);")
            location.line("try_files ${uri}index.html =404;")
            addRuleHeaders(&location, except: ["cache-control"])
            personal.forEach { location.line($0) }
            location.line("add_header X-Lectern-Access $lectern_access;")
        }
        out.block("location @lectern_gate_unavailable") { location in
            location.line("default_type \"text/html; charset=utf-8\";")
            location.line("add_header Retry-After 5 always;")
            location.line("add_header Cache-Control no-store always;")
            location.line("return 503 \(ConfigValue.nginxQuoted(Self.unavailablePage));")
        }
        out.comment("The access check. With X-Lectern-Auth-Request the function answers 403, not 402 (auth_request",
                    "takes only 2xx, 401 and 403), and names the reason in X-Lectern-Access.")
        out.block("location = /_lectern/access-check") { location in
            location.line("internal;")
            location.line("proxy_pass http://\(upstreamName(access.name))/api/\(access.name)/check;")
            location.line("proxy_pass_request_body off;")
            location.line("proxy_set_header Content-Length \"\";")
            location.line("proxy_set_header X-Original-URI $lectern_page;")
            location.line("proxy_set_header X-Lectern-Auth-Request 1;")
            writeProxyHeaders(&location)
            location.line("proxy_read_timeout 3s;")
        }
        out.line()
    }

    /// `/api/<name>` and `/api/<name>/…` to each function; any other `/api/` path is a JSON 404
    /// (never a static file), and a function that is down a JSON 503, as from `lectern serve`.
    func writeFunctionLocations(_ out: inout ConfigWriter) {
        out.block("location /api/") { location in
            location.line("default_type \"application/json; charset=utf-8\";")
            location.line("return 404 \(ConfigValue.nginxQuoted(#"{"error":{"code":"not_found","message":"No function answers this path: /api/<function>/…"}}"#));")
        }
        for upstream in upstreams {
            out.block("location ~ ^/api/\(upstream.name)(?:/|$)") { location in
                location.line("proxy_pass http://\(upstreamName(upstream.name));")
                writeProxyHeaders(&location)
                location.line("proxy_read_timeout 30s;")
                location.line("error_page 502 504 = @lectern_function_unavailable;")
            }
        }
        out.block("location @lectern_function_unavailable") { location in
            location.line("default_type \"application/json; charset=utf-8\";")
            location.line("add_header Retry-After 1 always;")
            location.line("add_header Cache-Control no-store always;")
            location.line("return 503 \(ConfigValue.nginxQuoted(#"{"error":{"code":"function_unavailable","message":"This service is not answering. Try again in a moment."}}"#));")
        }
    }

    /// What a function is told about the request: the client (last entry of X-Forwarded-For,
    /// which FunctionKit trusts from a Unix socket), the scheme, one request id for both logs.
    func writeProxyHeaders(_ out: inout ConfigWriter) {
        out.line("proxy_http_version 1.1;")
        out.line("proxy_set_header Connection \"\";")
        out.line("proxy_set_header Host $host;")
        out.line("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
        out.line("proxy_set_header X-Forwarded-Proto $scheme;")
        out.line("proxy_set_header X-Request-Id $request_id;")
    }

    static let unavailablePage = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Temporarily unavailable</title>"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body><h1>This lesson is temporarily unavailable</h1>"
        + "<p>We could not check your access just now. Reload the page in a few seconds.</p></body></html>"
}
