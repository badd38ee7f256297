import Foundation

/// Word 3-grams ("shingles") of a text, for comparing how much wording two variants share.
///
/// Three-word phrases see reordered sentences as similar and a changed word as different,
/// which is what "the model gave the same answer twice" looks like.
struct Shingles: Sendable, Hashable {
    let set: Set<String>

    init(_ text: String) {
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == "’") }
            .map { $0.replacingOccurrences(of: "’", with: "'") }
        if words.count < 3 {
            // Too short for 3-grams: the whole text is its one shingle, so equal short texts
            // still compare as equal.
            set = words.isEmpty ? [] : [words.joined(separator: " ")]
        } else {
            set = Set((0...(words.count - 3)).map { words[$0..<$0 + 3].joined(separator: " ") })
        }
    }

    /// Shared shingles over all shingles, from 0 (nothing shared) to 1 (the same); 0 when
    /// either text is empty.
    func jaccard(_ other: Shingles) -> Double {
        guard !set.isEmpty, !other.set.isEmpty else { return 0 }
        let union = set.union(other.set).count
        return Double(set.intersection(other.set).count) / Double(union)
    }
}
