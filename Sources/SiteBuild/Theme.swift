import Foundation
import Mustache
import SiteModel

/// The layouts and theme assets of a build: the default theme built into Lectern, with every
/// file the site's own `layouts/` folder holds taking the place of the default of the same name.
struct Theme: Sendable {
    var library = MustacheLibrary()
    var templateNames: Set<String> = []
    /// Theme files that are not templates (`assets/site.css`), by path relative to `layouts/`.
    var assets: [String: [UInt8]] = [:]
    /// Hash of every template and asset, so any theme change invalidates cached pages.
    var hash: UInt64 = 0

    /// Loads the default theme and the site's overrides, reporting templates that do not parse
    /// and partials that no file provides.
    static func load(siteLayouts: String, diagnostics: inout [Diagnostic]) -> Theme {
        var files: [String: (text: [UInt8], source: String)] = [:]
        for (name, text) in DefaultTheme.files {
            files[name] = (Array(text.utf8), "(default theme) layouts/\(name)")
        }
        for name in FileSystem.files(under: siteLayouts) {
            if let bytes = try? FileSystem.read(siteLayouts + "/" + name) { files[name] = (bytes, "layouts/\(name)") }
        }
        var theme = Theme()
        var hasher = ContentHash()
        var partialUses: [(partial: String, source: String)] = []
        for (name, file) in files.sorted(by: { $0.key < $1.key }) {
            hasher.add(name)
            hasher.add(file.text)
            guard name.hasSuffix(".mustache") else {
                theme.assets[name] = file.text
                continue
            }
            let templateName = String(name.dropLast(".mustache".count))
            let text = String(decoding: file.text, as: UTF8.self)
            do {
                theme.library.register(try MustacheTemplate(string: text), named: templateName)
                theme.templateNames.insert(templateName)
                partialUses += partials(in: text).map { ($0, file.source) }
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(Diagnostic(.error, file: file.source, line: error.context.lineNumber,
                    column: error.context.columnNumber, "layout does not parse: \(error.error)"))
            } catch {
                diagnostics.append(Diagnostic(.error, file: file.source, "layout does not parse: \(error)"))
            }
        }
        for use in partialUses where !theme.templateNames.contains(use.partial) {
            diagnostics.append(Diagnostic(.error, file: use.source,
                "partial `\(use.partial)` does not exist; add layouts/\(use.partial).mustache"))
        }
        theme.hash = hasher.value
        return theme
    }

    /// Names used as `{{> name}}` in a template.
    private static func partials(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{>") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            names.append(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// Renders `context` with the layout `name`.
    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
