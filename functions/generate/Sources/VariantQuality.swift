import CopyQuality
import Foundation
import SiteModel

/// The scorecard of one variant (CopyQuality's rules with this template's limits and the
/// user's inputs), and the sentence that re-asks a variant that broke a hard rule.
struct VariantQuality: Sendable {
    let template: PromptTemplate
    let inputs: [String: String]
    let policy: QualityPolicy

    func scorecard(_ fields: [String: String], others: [[String: String]]) -> Scorecard {
        CopyScorecard.evaluate(
            CopyVariant(fields: fields),
            limits: template.outputs.map { OutputLimit(name: $0.name, label: $0.label, maxChars: $0.maxChars) },
            inputs: inputs, target: target, policy: policy,
            otherVariants: others.map { CopyVariant(fields: $0) })
    }

    /// The template's own target, or the standard one (ease ≥ 50).
    var target: ReadingTarget {
        guard template.readingEase != nil || template.readingGrade != nil else { return .standard }
        return ReadingTarget(minimumEase: template.readingEase, maximumGrade: template.readingGrade)
    }

    func retryInstruction(_ scorecard: Scorecard) -> String? {
        CopyScorecard.retryInstruction(for: scorecard)
    }

    /// Plain text only reaches a page: no markup from a model.
    static func sanitised(_ fields: [String: String]) -> [String: String] {
        fields.mapValues(CopySanitizer.plainText)
    }
}
