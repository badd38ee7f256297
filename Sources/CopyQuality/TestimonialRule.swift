import Foundation

/// Hard: no quotes, reviews or ratings unless the brief supplied testimonial text.
///
/// When the user did give testimonials the copy may use them, and this rule stands aside;
/// whether a quote is reproduced faithfully is for the person publishing it to judge.
enum TestimonialRule {
    static func checks(_ fields: [CopyField], brief: CopyBrief) -> [Check] {
        guard !brief.hasTestimonial else {
            return [
                Check(
                    id: Check.testimonialID,
                    severity: .hard,
                    passed: true,
                    message: "The brief supplies testimonials, so the copy may quote them."
                )
            ]
        }
        let failures = fields.compactMap { field -> Check? in
            let found = TestimonialDetector.findings(in: field.text)
            guard !found.isEmpty else { return nil }
            return Check(
                id: Check.testimonialID,
                severity: .hard,
                passed: false,
                message: "\(field.label) has a testimonial or rating the brief does not supply: \(Phrasing.list(found, open: "", close: "")).",
                field: field.name,
                found: found,
                fix: Phrasing.testimonialClause
            )
        }
        guard failures.isEmpty else { return failures }
        return [Check(id: Check.testimonialID, severity: .hard, passed: true, message: "No invented testimonials or ratings.")]
    }
}
