import CopyQuality
import Testing

@testable import CopyQuality

@Suite struct TestimonialTests {
    func testimonials(_ text: String, inputs: [String: String] = Fixtures.brief) -> [Check] {
        let limits = [OutputLimit(name: "body", label: "Body", maxChars: nil)]
        return Fixtures.score(CopyVariant(fields: ["body": text]), limits: limits, inputs: inputs).failures(Check.testimonialID)
    }

    @Test func anInventedQuoteIsAHardFailureShowingIt() throws {
        let check = try #require(testimonials("Start today.\n“This course changed my career.” — Sarah, CEO").first)
        #expect(check.severity == .hard)
        #expect(check.field == "body")
        #expect(check.found == ["“This course changed my career.” — Sarah"])
        #expect(check.message.hasPrefix("Body has a testimonial or rating the brief does not supply: “This course"))
        #expect(check.fix == "do not invent testimonials, quotes from people, reviews or star ratings")
    }

    @Test(arguments: [
        "“Best decision I made this year.” — Sarah, CEO",
        "\"Clear and practical\" - Tom B.",
        "\"Loved every lesson,\" says Jane.",
        "“Worth every penny,” said Priya Patel.",
        "Maria says: “I finally understand closures.”",
        "Short lessons, says Jane, and they stick.",
        "Great course.\n— Sarah, Marketing lead",
        "As one customer put it, the lessons just click.",
        "One student told us it changed everything.",
        "Here is what our students say about it.",
        "★★★★★ from our learners",
        "Rated 4.9 by learners",
        "A 5-star course",
        "Five star lessons",
        "Scored 4.8/5 by learners",
        "4.5 out of 5 stars",
        "Read 1,200+ reviews",
        "Rave reviews from learners",
    ])
    func findsTestimonialShapes(_ text: String) {
        #expect(!testimonials(text).isEmpty, "\(text)")
    }

    /// Quotation marks, dashes and "reviews" also appear in honest copy.
    @Test(arguments: [
        "Learn “SwiftUI Essentials” — Apple’s framework for apps.",
        "Code reviews made simple.",
        "- Swift, SwiftUI and more",
        "Users say goodbye to spreadsheets.",
        "The course writes Swift with you.",
        "Google says Swift is fast? Try it yourself.",
        "Lessons in “plain English”, with exercises.",
        "4 out of 5 learners finish.",
    ])
    func ignoresHonestCopy(_ text: String) {
        #expect(testimonials(text).isEmpty, "\(text): \(TestimonialDetector.findings(in: text))")
    }

    @Test func testimonialsFromTheBriefMayBeUsed() throws {
        let quote = "“Best decision I made this year.” — Sarah, CEO"
        for inputs in [
            ["testimonial": "Best decision I made this year. (Sarah, CEO)"],
            ["customer_reviews": "Sarah: best decision I made this year"],
            ["notes": quote],
        ] {
            let checks = Fixtures.score(
                CopyVariant(fields: ["body": quote]),
                limits: [],
                inputs: inputs
            ).checks(Check.testimonialID)
            #expect(checks.count == 1)
            #expect(checks[0].passed, "\(inputs)")
        }
    }

    /// An empty testimonial field is no testimonial.
    @Test func anEmptyTestimonialInputDoesNotCount() {
        #expect(!testimonials("“Great.” — Sarah", inputs: ["testimonial": "  "]).isEmpty)
    }
}
