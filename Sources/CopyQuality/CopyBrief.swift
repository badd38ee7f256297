import Foundation

/// What the user supplied, in the forms the rules compare copy against.
struct CopyBrief: Sendable {
    /// Every input value, in key order so nothing depends on dictionary order.
    let text: String
    let terms: TermMatcher
    /// Canonical values of every number in the inputs. The template's own limits are not
    /// inputs: a headline limit of 30 does not make "30 days" a fact about the product.
    let numbers: Set<String>
    /// True when the user gave testimonial text the copy may quote.
    let hasTestimonial: Bool

    init(_ inputs: [String: String]) {
        let keys = inputs.keys.sorted()
        text = keys.map { inputs[$0]! }.joined(separator: "\n")
        terms = TermMatcher(text)
        numbers = NumberScanner.values(in: text)
        let testimonialField = keys.contains { key in
            let name = key.lowercased()
            let named = ["testimonial", "review", "quote"].contains { name.contains($0) }
            return named && !inputs[key]!.trimmedForCopy.isEmpty
        }
        hasTestimonial = testimonialField || !TestimonialDetector.findings(in: text).isEmpty
    }
}
