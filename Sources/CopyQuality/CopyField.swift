import Foundation

/// One output field ready to score: its name, the label messages use, and its trimmed text.
struct CopyField: Sendable, Hashable {
    var name: String
    var label: String
    var text: String

    /// The fields of a variant in a stable order: the template's order first, then any extra
    /// fields by name. Dictionaries have no order, and the scorecard must not depend on one.
    static func ordered(_ variant: CopyVariant, limits: [OutputLimit]) -> [CopyField] {
        let declared = limits.compactMap { limit -> CopyField? in
            guard let text = variant.fields[limit.name] else { return nil }
            return CopyField(name: limit.name, label: limit.label, text: text.trimmedForCopy)
        }
        let declaredNames = Set(limits.map(\.name))
        let extra = variant.fields.keys.filter { !declaredNames.contains($0) }.sorted().map { name in
            CopyField(name: name, label: Phrasing.labelFromName(name), text: variant.fields[name]!.trimmedForCopy)
        }
        return (declared + extra).filter { !$0.text.isEmpty }
    }
}

extension String {
    /// The text without surrounding whitespace: what a limit counts and what a page shows.
    var trimmedForCopy: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
